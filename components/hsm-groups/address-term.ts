/** What a client's address is: a service engine's is its host name; a console node's may be an IP. */
export function addressTerm(value: string): "IP address" | "Host name" {
  return /^[0-9.]+$|:/.test(value) ? "IP address" : "Host name";
}
