import type { FieldNames } from "../field-names";
import type { FieldRules } from "../fields";
import type { RefStyle, RefTarget } from "../ids";

export type Json = Record<string, unknown>;

/** What an object mapping may use: the caller's procedures and how references are written. */
export interface AviCtx {
  /** A console procedure, called with the request's user (authorization and audit included). */
  call: (path: string, input?: unknown) => Promise<unknown>;
  style: RefStyle;
  tenant: { id: string; name: string };
  /** The console id behind a reference (by uuid or by name), or a VALIDATION error naming `field`. */
  resolve: (kind: string, target: RefTarget, field: string) => Promise<string>;
}

/** A console list item: every object has an id and a name. */
export interface Item {
  id: string;
  name: string;
  [key: string]: unknown;
}

/**
 * One Avi object type mapped onto console procedures: reads turn console views into Avi shapes,
 * writes turn an Avi body into the procedure's input. No rule is decided here that a service
 * decides: a value the console refuses is refused by its procedure, with its message.
 */
export interface AviKind {
  kind: string;
  summary: string;
  rules: FieldRules;
  /** Every object of the caller's tenant, or (`paged`) just the requested page where the console pages. */
  list: (
    ctx: AviCtx,
    page?: { page: number; pageSize: number; name?: string },
  ) => Promise<{ total: number; items: Item[]; paged?: boolean }>;
  get: (ctx: AviCtx, id: string) => Promise<Item>;
  toAvi: (ctx: AviCtx, item: Item) => Json;
  create?: (ctx: AviCtx, body: Json) => Promise<string>;
  /** A PUT of the whole object (a PATCH is merged onto the current object first). */
  update?: (ctx: AviCtx, item: Item, body: Json, current: Json) => Promise<void>;
  remove?: (ctx: AviCtx, id: string) => Promise<void>;
  /** Console input fields → Avi fields, for refusals of the procedures (field-names.ts). */
  fieldNames?: FieldNames;
  /** Nested messages' field rules, by path ("hsm.sluna.server[]"), for the API reference. */
  nested?: Record<string, FieldRules>;
  /** Where the console differs from Avi for this object, shown in the API reference. */
  notes: string[];
  /** Why writes are not offered, for the 405 answer. */
  readOnlyReason?: string;
}
