/**
 * The progress of a run as one line: bytes done of the total, the rate, the time left and the file being copied.
 * On a terminal it is redrawn in place (carriage return, clear to the end of the line), cut to the terminal's
 * width so that it never wraps (a wrapped line cannot be redrawn); piped, it is a plain line now and then. The
 * figures come from main/shared/progress.ts, which the app's progress bar uses too.
 */
/**
 * The line in at most `width` columns: the figures first, then as much of the file's path as fits, its front
 * giving way (the end names the file).
 */
export function progressLine(parts: { readonly figures: string; readonly file: string }, width = Infinity): string {
  const figures = [...parts.figures];
  if (figures.length >= width) return figures.slice(0, width).join('');
  if (parts.file === '') return parts.figures;
  const room = width - figures.length - 2;
  const file = [...parts.file];
  if (file.length <= room) return `${parts.figures}, ${parts.file}`;
  if (room < 2) return parts.figures;
  return `${parts.figures}, …${file.slice(file.length - (room - 1)).join('')}`;
}

/** Carriage return and "erase to the end of the line" (ECMA-48 EL): redraws a line in place. */
export const REDRAW = '\r\x1b[K';
