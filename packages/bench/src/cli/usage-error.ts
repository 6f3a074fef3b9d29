/** Bad command-line input: names the flag, what was expected and what was given. */
export class UsageError extends Error {
  constructor(flag: string, expected: string, given: string) {
    super(`${flag}: expected ${expected}, got ${JSON.stringify(given)}`);
    this.name = 'UsageError';
  }
}
