import fs from "node:fs";
import path from "node:path";

/**
 * Where Debian puts the shared libraries the console loads (the PKCS#11 engine for OpenSSL,
 * p11-kit's client module): under the multiarch folder of this machine (`dpkg-architecture
 * -qDEB_HOST_MULTIARCH`), e.g. /usr/lib/x86_64-linux-gnu or /usr/lib/aarch64-linux-gnu. The one
 * place that knows it: Node's own architecture names the triplet of the userland it runs in.
 */
const MULTIARCH: Record<string, string> = {
  x64: "x86_64-linux-gnu",
  arm64: "aarch64-linux-gnu",
  arm: "arm-linux-gnueabihf",
  ia32: "i386-linux-gnu",
  ppc64: "powerpc64le-linux-gnu",
  s390x: "s390x-linux-gnu",
  riscv64: "riscv64-linux-gnu",
  loong64: "loongarch64-linux-gnu",
};

export function multiarchTriplet(arch: string = process.arch): string | undefined {
  return MULTIARCH[arch];
}

export interface LookupOptions {
  /** File system root to probe (tests). */
  root?: string;
  arch?: string;
}

/**
 * A library under /usr/lib by its path inside the multiarch folder ("pkcs11/p11-kit-client.so"):
 * this machine's multiarch folder first, then /usr/lib and /usr/lib64 (non-Debian layouts). When
 * none exists the multiarch path is returned, so that the error that follows names where it was
 * expected.
 */
export function findSystemLibrary(relative: string, options: LookupOptions = {}): string {
  const root = options.root ?? "/";
  const triplet = multiarchTriplet(options.arch);
  const candidates = [
    ...(triplet ? [path.join("/usr/lib", triplet, relative)] : []),
    path.join("/usr/lib", relative),
    path.join("/usr/lib64", relative),
  ];
  // Host paths, not project files: not for the bundler to trace.
  return (
    candidates.find((c) => fs.existsSync(/* turbopackIgnore: true */ path.join(root, c))) ?? candidates[0]!
  );
}

/** libengine-pkcs11-openssl: the OpenSSL 3 engine nginx (and Node) sign through. */
export const PKCS11_ENGINE = findSystemLibrary("engines-3/pkcs11.so");
/** p11-kit-modules: the client module that reaches a p11-kit server's socket. */
export const P11_KIT_CLIENT_MODULE = findSystemLibrary("pkcs11/p11-kit-client.so");
