import { AVI_KINDS } from "./objects";
import { AVI_API_VERSION } from "./session-cookies";

export interface AviKindReference {
  kind: string;
  summary: string;
  methods: string[];
  fields: { at: string; writable: string[]; readOnly: string[] }[];
  notes: string[];
}

export interface AviReference {
  version: string;
  general: string[];
  kinds: AviKindReference[];
}

/**
 * What the Avi-compatible API honours and where it differs from Avi, read from the object
 * mappings themselves (their field rules and notes), so that the page cannot drift from the code.
 */
export function aviReference(): AviReference {
  return {
    version: AVI_API_VERSION,
    general: GENERAL,
    kinds: Object.values(AVI_KINDS).map((k) => ({
      kind: k.kind,
      summary: k.summary,
      methods: [
        "GET",
        ...(k.create ? ["POST"] : []),
        ...(k.update ? ["PUT", "PATCH"] : []),
        ...(k.remove ? ["DELETE"] : []),
      ],
      fields: [
        { at: "", writable: [...k.rules.writable], readOnly: [...k.rules.readOnly] },
        ...Object.entries(k.nested ?? {}).map(([at, r]) => ({
          at,
          writable: [...r.writable],
          readOnly: [...r.readOnly],
        })),
      ],
      notes: k.notes,
    })),
  };
}

const GENERAL = [
  "Which shapes: requests with X-Avi-Version (the SDKs, Ansible and Terraform always send it), or with Avi's session cookie, get Avi's shapes; other requests keep the console's shapes below.",
  "Login: POST /login, form-encoded or JSON, with username and password (the sign-in page's throttle and audit apply) or username and token, where token is a console API token (hsmc_…; its role and expiry apply; /logout does not revoke it). The answer sets avi-sessionid (sessionid is accepted too) and csrftoken; writes must send X-CSRFToken with the csrftoken value and a Referer on one of the console's addresses (HSM_CONSOLE_ORIGINS). POST /logout ends the session. Authorization: Bearer hsmc_… works too, without CSRF.",
  "X-Avi-Tenant / X-Avi-Tenant-UUID must name the caller's own tenant (* means it too); another tenant is refused (403) and a refused write is audited. tenant_ref in a body must name the caller's tenant; cloud_ref may only name Default-Cloud.",
  "Identity: uuid is <kind>-<uuid>; paths accept it or the bare uuid. url and *_ref are absolute URLs on the address the client used; include_name appends #<name>. References are accepted as a URL, /api/<kind>/<uuid> or /api/<kind>?name=<name>.",
  "Lists: {count, results, next}; page (from 1) and page_size (1–200, default 25); name= finds by exact name and answers whole objects. include_refs and skip_default are accepted and change nothing; other query parameters are refused.",
  'PUT replaces the object; PATCH takes {add|replace|delete: {…}} and is saved as a PUT; DELETE answers 204 with no body. Errors are {"error": "…"} with the console\'s code and field beside it.',
  "Fields the console does not implement are refused by name (400), never dropped; read-only fields may come back unchanged in a GET-modify-PUT; values the console cannot honour are refused with the reason.",
  "Everything else (audit log, API tokens, service engines, packages, actions such as …/renew or …/test) answers in the console's shapes, with Avi uuids accepted in paths.",
];
