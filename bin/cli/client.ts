import { CliError } from "./errors";
import { type Answer, send, type Trust } from "./transport";

/** A thin client of the REST API: JSON in, JSON out, errors as CliError with the console's message. */
export class ApiClient {
  constructor(
    readonly controller: string,
    private readonly token: string,
    private readonly trust: Trust = {},
  ) {}

  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      "application/json",
    );
  }

  /** A raw body (an HSM package tar), as POST /api/fileservice/hsmpackages takes it. */
  upload<T = unknown>(path: string, bytes: Uint8Array): Promise<T> {
    return this.send<T>("POST", path, bytes, "application/x-tar");
  }

  /** A binary answer (a backup archive) with its headers; errors as for JSON calls. */
  async download(method: string, path: string): Promise<Answer> {
    const response = await this.raw(method, path, undefined, "");
    if (response.status < 200 || response.status >= 300) this.parse(response);
    return response;
  }

  private raw(method: string, path: string, body: string | Uint8Array | undefined, type: string) {
    const url = new URL(path, this.controller.endsWith("/") ? this.controller : `${this.controller}/`);
    return send(
      url,
      {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": type }),
        },
        ...(body === undefined ? {} : { body }),
      },
      this.trust,
    );
  }

  private async send<T>(
    method: string,
    path: string,
    body: string | Uint8Array | undefined,
    type: string,
  ): Promise<T> {
    return this.parse<T>(await this.raw(method, path, body, type));
  }

  private parse<T>(response: Answer): T {
    let json: { error?: { code?: string; message?: string; field?: string | null } } | null = null;
    try {
      json = JSON.parse(response.body.toString("utf8"));
    } catch {
      json = null;
    }
    if (response.status < 200 || response.status >= 300) {
      const e = json?.error;
      throw new CliError(
        e?.message ?? `The console answered ${response.status}.`,
        1,
        e?.code,
        e?.field ?? undefined,
      );
    }
    return json as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }
}
