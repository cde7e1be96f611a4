import { DraftMode } from "../draft-mode";
import { usage } from "../errors";
import { detailTable, json } from "../format";
import { resolveRef } from "../refs";
import type { Session } from "../session";
import {
  applyNo,
  applyPoolServer,
  applyService,
  fromVs,
  type SavedVs,
  type VsDraft,
  vsFieldWords,
} from "./draft";

const RESOURCE = "virtualservice";
const WORDS = [
  "vip",
  "services",
  "ssl_key_and_certificate_ref",
  "pool_server",
  "se_group_ref",
  "health_check_path",
  "enabled",
  "no",
];
const CERT_REF = { field: "certificateId", resource: "sslkeyandcertificate" };
const SE_GROUP_REF = { field: "seGroupId", resource: "serviceenginegroup" };

/** For `help`. */
export const VIRTUAL_SERVICE_HELP = [
  "configure virtualservice NAME",
  "  vip IP | services port N [enable_ssl] | pool_server HOST:PORT | ssl_key_and_certificate_ref CERT",
  "  se_group_ref GROUP | health_check_path /P | no services|pool_server|ssl_key_and_certificate_ref|enabled",
];

/**
 * `configure virtualservice NAME`: `vip`, `services port N [enable_ssl]` and `pool_server
 * HOST:PORT` (both repeatable), `ssl_key_and_certificate_ref CERT`, `se_group_ref GROUP`, `save`.
 * References are names, resolved when saving; the whole service goes through the browser's
 * create/update procedures.
 */
export class VirtualServiceMode extends DraftMode {
  readonly prompt = `${RESOURCE}> `;

  constructor(
    private draft: VsDraft,
    private id: string | null,
  ) {
    super();
  }

  protected describe(): string {
    return `${RESOURCE} ${this.draft.name}`;
  }

  protected words(): string[] {
    return WORDS;
  }

  protected isNew(): boolean {
    return this.id === null;
  }

  protected word(word: string, rest: string[]): boolean {
    const value = rest[0];
    const single = () => {
      if (value === undefined || rest.length > 1) throw usage(`${word} takes one value.`);
      return value;
    };
    if (word === "vip") this.draft.vip = single();
    else if (word === "services") applyService(this.draft, rest);
    else if (word === "pool_server") applyPoolServer(this.draft, single());
    else if (word === "ssl_key_and_certificate_ref") this.draft.certificate = single();
    else if (word === "se_group_ref") this.draft.seGroup = single();
    else if (word === "health_check_path") this.draft.healthCheckPath = single();
    else if (word === "enabled") this.draft.enabled = value !== "false";
    else applyNo(this.draft, rest);
    return true;
  }

  protected async commit(session: Session): Promise<void> {
    const d = this.draft;
    const body = {
      name: d.name,
      vip: d.vip ?? "",
      ports: d.ports,
      pool: d.pool,
      certificateId: d.certificate
        ? await resolveRef(session, "ssl_key_and_certificate_ref", CERT_REF, d.certificate)
        : null,
      seGroupId: await resolveRef(session, "se_group_ref", SE_GROUP_REF, d.seGroup),
      ...(d.healthCheckPath ? { healthCheckPath: d.healthCheckPath } : {}),
      enabled: d.enabled,
    };
    const saved = await this.send<SavedVs>(session, { resource: RESOURCE, id: this.id }, body, vsFieldWords);
    this.id = saved.id;
    this.draft = fromVs(saved);
    session.out(session.json ? json(saved) : detailTable(view(this.draft)));
  }

  protected pending(): Record<string, unknown> {
    return view(this.draft);
  }

  protected override completeWord(words: string[]): string[] {
    if (words[0] === "services")
      return words.length === 2 ? ["port"] : words.length === 4 ? ["enable_ssl"] : [];
    if (words[0] === "no" && words.length === 2)
      return WORDS.filter((w) => !["vip", "se_group_ref", "no"].includes(w));
    if (words[0] === "enabled" && words.length === 2) return ["true", "false"];
    return [];
  }
}

/** The service in the CLI's words (one row per setting). */
function view(d: VsDraft): Record<string, unknown> {
  return {
    name: d.name,
    vip: d.vip ?? null,
    services: d.ports.map((p) => `${p.port}${p.ssl ? " enable_ssl" : ""}`).join(", "),
    ssl_key_and_certificate_ref: d.certificate,
    pool_server: d.pool.map((p) => `${p.host}:${p.port}`).join(", "),
    se_group_ref: d.seGroup,
    health_check_path: d.healthCheckPath ?? null,
    enabled: d.enabled,
  };
}
