/**
 * How a value is written the same way on the command line and in baleen.yml (`90s`, `512m`, `auto`): the
 * reader of config/units.ts or its kin, and what is expected, for the error when it cannot read one.
 */
export interface Reader<T> {
  read(text: string): T | undefined;
  /** 'a duration such as 90s, 5m or 120': the flag's error says `expected …`, and so does the file's. */
  expected: string;
}

export function reader<T>(read: (text: string) => T | undefined, expected: string): Reader<T> {
  return { read, expected };
}
