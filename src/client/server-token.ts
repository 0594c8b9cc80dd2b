import { clientToken, tokenFilePath } from '../config/token-file.js';
import { isLoopback } from '../server/upgrade-guard.js';

/**
 * The token a client presents to `server`: the one it was given (--token, BALEEN_TOKEN), else, for a server on
 * this machine's loopback, the one a `baleen server` of this user keeps in its token file. Never the file's for
 * a server elsewhere, which must not learn the local server's token.
 */
export async function tokenFor(server: string, given: string | undefined): Promise<string | undefined> {
  if (given) return given;
  let host: string;
  try {
    host = new URL(server).hostname;
  } catch {
    return undefined;
  }
  return isLoopback(host) ? clientToken(tokenFilePath()) : undefined;
}
