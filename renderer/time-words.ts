/** Times as a person says them: "12 minutes ago", "in 48 minutes". Plain functions of (time, now), for tests. */

function count(n: number, one: string, many: string): string {
  return n === 1 ? one : `${n} ${many}`;
}

/** How long ago `ms` was. */
export function ago(ms: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${count(minutes, 'a minute', 'minutes')} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${count(hours, 'an hour', 'hours')} ago`;
  const days = Math.round(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** How far ahead `ms` is. */
export function fromNow(ms: number, now: number): string {
  const seconds = Math.round((ms - now) / 1000);
  if (seconds < 45) return 'in a few seconds';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${count(minutes, 'a minute', 'minutes')}`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `in ${count(hours, 'an hour', 'hours')}`;
  const days = Math.round(hours / 24);
  return days === 1 ? 'tomorrow' : `in ${days} days`;
}
