import { InvalidArgumentError } from 'commander';
import { parseTimestamp, type Timestamp } from '@agentspan/server';

/** A commander option parser for a whole number in [min, max], with a message that names the rule. */
export const integerIn = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
};

export const choiceOf =
  <T extends string>(choices: readonly T[]) =>
  (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}"`);
    }
    return value as T;
  };

/** A commander option parser for text that may not be empty or blank. */
export const nonEmpty = (flag: string) => (value: string) => {
  if (value.trim() === '') throw new InvalidArgumentError(`${flag} may not be empty`);
  return value;
};

/** A commander option parser for an ISO-8601 date or date-time (UTC unless it says otherwise), to a canonical timestamp. */
export const dateTime = (value: string): Timestamp => {
  try {
    return parseTimestamp(value, 'date');
  } catch {
    throw new InvalidArgumentError(`expected an ISO-8601 date or date-time such as 2026-01-31 or 2026-01-31T12:00:00Z, got "${value}"`);
  }
};

/** "1 span", "2 spans": a count and its noun for a command's summary line. */
export const amount = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A commander option parser for one or more of `choices` separated by commas (each once), naming the choices when one is wrong. */
export const choicesOf =
  <T extends string>(choices: readonly T[], what: string) =>
  (value: string): T[] => {
    const given = value.split(',').map((part) => part.trim());
    const wrong = given.filter((part) => !(choices as readonly string[]).includes(part));
    if (wrong.length > 0 || given.length === 0) {
      const named = wrong.map((part) => (part === '' ? 'an empty one' : `"${part}"`)).join(', ');
      throw new InvalidArgumentError(`expected ${what} from ${choices.join(', ')} separated by commas, got ${named}`);
    }
    return [...new Set(given as T[])];
  };
