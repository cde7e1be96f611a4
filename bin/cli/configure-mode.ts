import { CliError, usage } from "./errors";
import { type FieldSpec, isSecretField, parseValue } from "./fields";
import { detailTable, json } from "./format";
import { resource } from "./resources";
import type { Mode, Session } from "./session";

/**
 * `configure <resource> NAME`: collects field changes, then `save` creates the object (when it
 * does not exist) or updates it; `cancel` (or `exit`) leaves without saving, as in the Avi shell.
 */
export class ConfigureMode implements Mode {
  readonly prompt: string;
  private changes: Record<string, unknown> = {};

  constructor(
    private readonly name: string,
    private readonly objectName: string,
    private readonly existing: Record<string, unknown> | null,
    private readonly fields: Record<string, FieldSpec>,
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
      if (Object.keys(this.changes).length) session.out("Changes discarded.");
    } else if (first === "show") {
      session.out(session.json ? json(this.pending()) : detailTable(this.pending()));
    } else if (first === "no" && rest[0]) {
      this.set(rest[0], "false");
    } else if (first && this.fields[first]) {
      this.apply(words);
    } else return false;
    return true;
  }

  /** `role operator password X is_ha`: field/value pairs; a boolean field alone means true. */
  apply(words: string[]): void {
    for (let i = 0; i < words.length; i++) {
      const field = words[i]!;
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
    if (words.length <= 1) return [...Object.keys(this.fields), "save", "cancel", "show", "no"];
    const spec = this.fields[words[0]!];
    if (words.length === 2 && spec?.type === "boolean") return ["true", "false"];
    return words.length === 2 ? (spec?.enum ?? []) : [];
  }

  abandon(session: Session): void {
    if (Object.keys(this.changes).length) {
      session.err(`Unsaved changes to ${this.name} ${this.objectName} discarded (end with "save").`);
    }
  }

  private pending(): Record<string, unknown> {
    const merged = { ...(this.existing ?? {}), ...this.changes };
    for (const key of Object.keys(merged)) if (isSecretField(key)) merged[key] = "<set>";
    return merged;
  }
}
