import { LIBRARY_LIST_ENV } from "@/server/config/pkcs11-libraries";
import { P11_KIT_CLIENT, SOFTHSM_LIBRARY } from "@/server/pkcs11";

/**
 * Tests whose SoftHSM tokens or p11-kit sockets live in a temp folder outside the data folder
 * declare that folder as the host would (HSM_CONSOLE_PKCS11_LIBRARIES).
 */
export function allowLibraryFolder(folder: string): void {
  process.env[LIBRARY_LIST_ENV] = JSON.stringify({
    libraries: [
      { path: SOFTHSM_LIBRARY, env: { SOFTHSM2_CONF: [folder] } },
      { path: P11_KIT_CLIENT, env: { P11_KIT_SERVER_ADDRESS: [folder] } },
    ],
  });
}

export function forgetAllowedFolders(): void {
  delete process.env[LIBRARY_LIST_ENV];
}
