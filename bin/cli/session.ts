import { ApiClient } from "./client";
import { CliError } from "./errors";

/** A sub-mode such as `configure user NAME`: it sees lines before the command registry. */
export interface Mode {
  prompt: string;
  /** Handles a line; returns false to let the command registry try it. */
  handle(words: string[], session: Session): Promise<boolean>;
  complete(words: string[]): string[];
  /** Called when the shell or script ends while the mode is open. */
  abandon(session: Session): void;
}

export interface Connection {
  controller?: string;
  token?: string;
  /** Trust for the console's certificate (see transport.ts). */
  ca?: string;
  fingerprint?: string;
}

export class Session {
  mode: Mode | null = null;
  /** `--json` for this line (or for the whole run when given on the command line). */
  json = false;
  private cache = new Map<string, unknown>();

  constructor(
    public connection: Connection,
    readonly out: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
    readonly err: (text: string) => void = (t) => process.stderr.write(`${t}\n`),
  ) {}

  client(): ApiClient {
    const { controller, token, ca, fingerprint } = this.connection;
    if (!controller || !token) {
      throw new CliError(
        "Not logged in: run `hsm-console login --controller URL --token TOKEN`, or pass --controller and --token.",
        2,
      );
    }
    return new ApiClient(controller, token, {
      ...(ca ? { caFile: ca } : {}),
      ...(fingerprint ? { fingerprint } : {}),
    });
  }

  /** Memoised per session (e.g. the OpenAPI document used for field names). */
  async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.cache.has(key)) this.cache.set(key, await load());
    return this.cache.get(key) as T;
  }
}
