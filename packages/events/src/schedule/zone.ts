/**
 * Wall-clock time in an IANA time zone through `Intl`. A wall time is kept as
 * the number of ms it would be in UTC ("wall ms"), so calendar arithmetic is
 * plain UTC arithmetic.
 */

const formats = new Map<string, Intl.DateTimeFormat>();
const DAY = 86_400_000;

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** True when `Intl` knows the time zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time (as wall ms) at an instant in a zone. */
export function wallAt(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of format(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, instant - Math.floor(instant / 1000) * 1000);
  return utc.getTime();
}

/**
 * The instants showing a wall time in a zone, earliest first: none in a
 * spring-forward gap, two in a fall-back overlap, else one.
 */
export function instantsOf(wall: number, timeZone: string): number[] {
  const offsets = new Set([
    wallAt(wall - DAY, timeZone) - (wall - DAY),
    wallAt(wall + DAY, timeZone) - (wall + DAY),
  ]);
  const found = [...offsets].map((o) => wall - o).filter((t) => wallAt(t, timeZone) === wall);
  return [...new Set(found)].sort((a, b) => a - b);
}

/** The instant of a wall time; a time in a gap is moved forward by the gap, an overlap takes the earlier. */
export function instantOf(wall: number, timeZone: string): number {
  const found = instantsOf(wall, timeZone)[0];
  if (found !== undefined) return found;
  const before = wallAt(wall - DAY, timeZone) - (wall - DAY);
  return wall - before;
}
