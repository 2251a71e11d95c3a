import { InvalidArgumentError } from 'commander';

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
