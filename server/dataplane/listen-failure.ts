import type { RunAs } from "./process";
import type { ServiceEngineSpec, VirtualServiceSpec } from "./types";

/** The admin's next step for the listen failures nginx reports in its log (none for others). */
export function explainListenFailure(log: string, runAs: RunAs | null): string | undefined {
  const bind = /bind\(\) to (\S+) failed \((\d+):/.exec(log);
  if (!bind) return undefined;
  const [, address, errno] = bind;
  if (errno === "98")
    return `Another program already listens on ${address}: stop it or choose another VIP or port.`;
  if (errno === "13")
    return runAs
      ? `nginx was not allowed to listen on ${address}.`
      : `Ports below 1024 (${address}) need the console to run as root: it then starts nginx unprivileged with only CAP_NET_BIND_SERVICE. Or choose a port of 1024 or more.`;
  if (errno === "99")
    return `The VIP of ${address} is not an address of this host: add it to an interface or choose another VIP.`;
  return undefined;
}

/** The virtual service whose listener nginx could not open, if its output says so. */
export function serviceThatCannotListen(
  spec: ServiceEngineSpec,
  output: string,
): { vs: VirtualServiceSpec; address: string } | undefined {
  const address = /bind\(\) to (\S+) failed/.exec(output)?.[1];
  const vs = spec.virtualServices.find((v) => v.ports.some((p) => `${v.vip}:${p.port}` === address));
  return vs && address ? { vs, address } : undefined;
}
