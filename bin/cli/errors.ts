/** A failure the user should read: printed on stderr, and the process exits non-zero. */
export class CliError extends Error {
  constructor(
    message: string,
    /** 1: the console refused or failed; 2: the command line itself is wrong. */
    readonly exitCode = 1,
    readonly code?: string,
    /** The console's input field at fault (e.g. "servers.0.partition"), for renaming to CLI words. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export function usage(message: string): CliError {
  return new CliError(message, 2, "USAGE");
}
