/** Next calls register() once when a server process starts, before it serves requests. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startConsole } = await import("./server/startup/start-console");
  await startConsole();
}
