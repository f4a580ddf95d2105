/**
 * A pair's state as an icon that differs by shape as well as colour (a colour-blind user, a grey-scale screen):
 * a tick in a circle (up to date), circling arrows (syncing), a clock (waiting for the drive), two bars (paused),
 * an exclamation mark in a triangle (failed), a barred circle (disabled), an empty circle (not synced yet), a
 * speech bubble with a question mark (waiting for the user's answer).
 * Built as SVG elements, not markup, so the page's CSP needs nothing.
 */
export type IconKind = 'ok' | 'syncing' | 'waiting' | 'paused' | 'failed' | 'disabled' | 'new' | 'question';

const SVG = 'http://www.w3.org/2000/svg';

const SHAPES: Record<IconKind, readonly [string, Record<string, string>][]> = {
  ok: [['circle', { cx: '12', cy: '12', r: '10' }], ['path', { d: 'M7 12.5l3.2 3.2L17 9' }]],
  syncing: [['path', { d: 'M19 12a7 7 0 0 1-12.2 4.7M5 12a7 7 0 0 1 12.2-4.7' }], ['path', { d: 'M17.5 3.5v4h-4M6.5 20.5v-4h4' }]],
  waiting: [['circle', { cx: '12', cy: '12', r: '10' }], ['path', { d: 'M12 6.5V12l3.5 2.5' }]],
  paused: [['rect', { x: '3', y: '3', width: '18', height: '18', rx: '3' }], ['path', { d: 'M9.5 8v8M14.5 8v8' }]],
  failed: [['path', { d: 'M12 2.5L22 20.5H2z' }], ['path', { d: 'M12 9v5.5M12 17.2v.3' }]],
  disabled: [['circle', { cx: '12', cy: '12', r: '10' }], ['path', { d: 'M5 5l14 14' }]],
  new: [['circle', { cx: '12', cy: '12', r: '10', 'stroke-dasharray': '3 3' }]],
  question: [['path', { d: 'M4 4h16v12H9l-5 4z' }], ['path', { d: 'M10 8.2a2 2 0 1 1 2.6 1.9c-.4.2-.6.5-.6.9M12 13v.2' }]],
};

export function stateIcon(kind: IconKind): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('state-icon');
  svg.dataset.kind = kind;
  for (const [tag, attributes] of SHAPES[kind]) {
    const shape = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) shape.setAttribute(name, value);
    svg.append(shape);
  }
  return svg;
}
