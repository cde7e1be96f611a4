import { isAppError } from "@/lib/errors";
import { CliError } from "../errors";

/** The host-side commands call services directly: their AppErrors become the CLI's own errors. */
export async function asCliErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error)) throw new CliError(error.message, 1, error.code, error.field ?? undefined);
    throw error;
  }
}
