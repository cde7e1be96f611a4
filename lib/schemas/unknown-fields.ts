import type { z } from "zod";

/**
 * The fields of `input` that `schema` does not know (dotted paths, e.g. "pool.0.weight"). zod
 * objects drop unknown keys silently, which hides a caller's mistake (a misspelt or unsupported
 * field answered 200 and changed nothing); inputs are checked with this where they are parsed,
 * while forms keep the same schemas unchanged. Records and catch-alls accept any key.
 */
export function unknownFields(schema: z.ZodType, input: unknown, at = ""): string[] {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  switch (def.type) {
    case "object": {
      if (!isPlainObject(input)) return [];
      const shape = def.shape ?? {};
      const extra = def.catchall && def.catchall._zod.def.type !== "never" ? [] : Object.keys(input);
      return [
        ...extra.filter((key) => !Object.hasOwn(shape, key)).map((key) => `${at}${key}`),
        ...Object.entries(shape).flatMap(([key, inner]) =>
          Object.hasOwn(input, key) ? unknownFields(inner, input[key], `${at}${key}.`) : [],
        ),
      ];
    }
    case "array":
      return Array.isArray(input)
        ? input.flatMap((item, i) => unknownFields(def.element!, item, `${at}${i}.`))
        : [];
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return unknownFields(def.innerType!, input, at);
    case "pipe":
      return unknownFields(def.in!, input, at);
    case "lazy":
      return unknownFields(def.getter!(), input, at);
    case "union": {
      // Unknown only if no option of the union knows it.
      const each = def.options!.map((option) => unknownFields(option, input, at));
      return each.reduce((common, list) => common.filter((field) => list.includes(field)));
    }
    case "intersection": {
      const left = unknownFields(def.left!, input, at);
      const right = unknownFields(def.right!, input, at);
      return left.filter((field) => right.includes(field));
    }
    default:
      return [];
  }
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType & { _zod: { def: { type: string } } };
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
