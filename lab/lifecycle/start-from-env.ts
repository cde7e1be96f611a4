import { labCountFromEnv } from "./lab-options";
import { type Lab, startLab } from "./start-lab";
import { printLabSummary } from "./summary";

/**
 * What `npm start` does with the lab: LAB_APPLIANCES appliances (default 2, 0 = none), the
 * summary printed, the handle returned so that stopping the console stops the lab.
 */
export async function startLabFromEnv(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Lab | null> {
  const count = labCountFromEnv(env);
  if (count === 0) return null;
  const lab = await startLab({ dataDir, count });
  printLabSummary(lab.appliances);
  return lab;
}
