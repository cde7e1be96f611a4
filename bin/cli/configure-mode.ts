import { CliError, usage } from "./errors";
import { type FieldSpec, isSecretField, parseValue } from "./fields";
import { detailTable, json } from "./format";
import { type RefSpec, resolveRef } from "./refs";
import { resource } from "./resources";
import type { Mode, Session } from "./session";
import { renameField } from "./values";

/**
 * `configure <resource> NAME`: collects field changes, then `save` creates the object (when it
 * does not exist) or updates it; `cancel` (or `exit`) leaves without saving, as in the Avi shell.
 */
export class ConfigureMode implements Mode {
  readonly prompt: string;
  private changes: Record<string, unknown> = {};
  /** `*_ref` words set so far: object names (null = none), resolved to ids when saving. */
  private refNames: Record<string, string | null> = {};

  constructor(
    private readonly name: string,
    private readonly objectName: string,
    private readonly existing: Record<string, unknown> | null,
    private readonly fields: Record<string, FieldSpec>,
    private readonly refs: Record<string, RefSpec> = {},
  ) {
    this.prompt = `${name}> `;
  }

  async handle(words: string[], session: Session): Promise<boolean> {
    const [first, ...rest] = words;
    if (first === "save") {
      await this.save(session);
      session.mode = null;
    } else if (first === "cancel" || first === "exit") {
      session.mode = null;
      if (Object.keys(this.changes).length || Object.keys(this.refNames).length)
        session.out("Changes discarded.");
    } else if (first === "show") {
      session.out(session.json ? json(this.pending()) : detailTable(this.pending()));
    } else if (first === "no" && rest[0] && this.refs[rest[0]]) {
      this.refNames[rest[0]] = null;
    } else if (first === "no" && rest[0]) {
      this.set(rest[0], "false");
    } else if (first && (this.fields[first] || this.refs[first])) {
      this.apply(words);
    } else return false;
    return true;
  }

  /** `role operator password X is_ha`: field/value pairs; a boolean field alone means true. */
  apply(words: string[]): void {
    for (let i = 0; i < words.length; i++) {
      const field = words[i]!;
      if (this.refs[field]) {
        if (words[i + 1] === undefined)
          throw usage(`${field} needs the name of a ${this.refs[field].resource}.`);
        this.refNames[field] = words[++i]!;
        continue;
      }
      const spec = this.fields[field];
      if (!spec) throw usage(`Unknown field "${field}". Fields: ${Object.keys(this.fields).join(", ")}.`);
      const next = words[i + 1];
      const takesNext = spec.type !== "boolean" || next === "true" || next === "false";
      this.set(field, takesNext ? next : undefined);
      if (takesNext) i++;
    }
  }

  private set(field: string, raw: string | undefined): void {
    const spec = this.fields[field];
    if (!spec) throw usage(`Unknown field "${field}".`);
    this.changes[field] = parseValue(field, spec, raw);
  }

  async save(session: Session): Promise<void> {
    for (const [word, name] of Object.entries(this.refNames)) {
      const spec = this.refs[word]!;
      this.changes[spec.field] = name === null ? null : await resolveRef(session, word, spec, name);
    }
    try {
      await this.send(session);
    } catch (error) {
      // The console names its own field (hsmGroupId); the user typed the Avi word.
      const words = Object.entries(this.refs).map(([word, spec]) => [spec.field, word]);
      throw renameField(error, (field) => Object.fromEntries(words)[field] ?? null);
    }
  }

  private async send(session: Session): Promise<void> {
    const { r } = resource(this.name);
    const client = session.client();
    let saved: unknown;
    if (this.existing) {
      if (!r.update) throw new CliError(`A ${this.name} cannot be changed once created.`);
      saved = await client.request("PUT", `/api/${this.name}/${this.existing.id}`, this.changes);
    } else {
      if (!r.create) throw new CliError(`There is no ${this.name} named "${this.objectName}".`);
      saved = await client.request("POST", `/api/${this.name}`, {
        [r.nameField]: this.objectName,
        ...this.changes,
      });
    }
    session.out(session.json ? json(saved) : detailTable(saved as Record<string, unknown>));
  }

  complete(words: string[]): string[] {
    if (words.length <= 1) {
      return [...Object.keys(this.fields), ...Object.keys(this.refs), "save", "cancel", "show", "no"];
    }
    const spec = this.fields[words[0]!];
    if (words.length === 2 && spec?.type === "boolean") return ["true", "false"];
    return words.length === 2 ? (spec?.enum ?? []) : [];
  }

  abandon(session: Session): void {
    if (Object.keys(this.changes).length || Object.keys(this.refNames).length) {
      session.err(`Unsaved changes to ${this.name} ${this.objectName} discarded (end with "save").`);
    }
  }

  private pending(): Record<string, unknown> {
    const merged = { ...(this.existing ?? {}), ...this.changes };
    for (const key of Object.keys(merged)) if (isSecretField(key)) merged[key] = "<set>";
    return merged;
  }
}
