/**
 * Sync intervals are written `##d##h##m##s`: each of the four parts optional, at most once, in that order
 * (`1d`, `2h30m`, `45s`, `05d04h03m02s`). Whitespace around the spec is ignored; nothing else is.
 */

const PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const UNIT_SECONDS = [86_400, 3_600, 60, 1] as const;
const UNIT_NAMES = ['day', 'hour', 'minute', 'second'] as const;

export class IntervalError extends Error {
  override name = 'IntervalError';
}

/** Parses an interval spec into whole seconds; throws IntervalError with a sentence naming the input. */
export function parseInterval(spec: string): number {
  const text = spec.trim();
  const match = PATTERN.exec(text);
  if (text === '' || match === null) {
    throw new IntervalError(
      `Invalid interval "${spec}": use ##d##h##m##s with the parts in that order, for example 1d2h30m or 45s.`,
    );
  }
  let seconds = 0;
  for (let i = 0; i < UNIT_SECONDS.length; i += 1) {
    const part = match[i + 1];
    if (part !== undefined) seconds += Number(part) * UNIT_SECONDS[i]!;
  }
  if (!Number.isSafeInteger(seconds)) {
    throw new IntervalError(`Invalid interval "${spec}": it is too long.`);
  }
  if (seconds === 0) {
    throw new IntervalError(`Invalid interval "${spec}": it must be longer than zero seconds.`);
  }
  return seconds;
}

/** A plain-language echo of a number of seconds: "1 day 2 hours 30 minutes". */
export function describeInterval(totalSeconds: number): string {
  let rest = totalSeconds;
  const words: string[] = [];
  for (let i = 0; i < UNIT_SECONDS.length; i += 1) {
    const amount = Math.floor(rest / UNIT_SECONDS[i]!);
    rest -= amount * UNIT_SECONDS[i]!;
    if (amount > 0) words.push(`${amount} ${UNIT_NAMES[i]}${amount === 1 ? '' : 's'}`);
  }
  return words.length === 0 ? '0 seconds' : words.join(' ');
}
