import { CliError } from "./errors";

/** A thin client of the REST API: JSON in, JSON out, errors as CliError with the console's message. */
export class ApiClient {
  constructor(
    readonly controller: string,
    private readonly token: string,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.controller.endsWith("/") ? this.controller : `${this.controller}/`);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(`Cannot reach the console at ${this.controller}: ${(error as Error).message}`);
    }
    const json = (await response.json().catch(() => null)) as {
      error?: { code?: string; message?: string; field?: string | null };
    } | null;
    if (!response.ok) {
      const e = json?.error;
      throw new CliError(e?.message ?? `The console answered ${response.status}.`, 1, e?.code);
    }
    return json as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }
}
