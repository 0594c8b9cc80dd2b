import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { BaleenError, type ErrorCode } from '../../errors/baleen-error.js';

/**
 * Whether to speak TLS to the Docker engine, and with which certificates, decided as the docker CLI decides it
 * (docker/cli: cli/flags/options.go for the settings, cli/context/docker/load.go for the checks of the files);
 * and what a failed TLS handshake means.
 */

/** A bad engine address or TLS setting is the user's to fix: the usage exit code (2). */
export const SETTINGS_ERROR: ErrorCode = 'USAGE';

export interface TlsSettings {
  /** DOCKER_TLS_VERIFY: check the engine's certificate against ca.pem; DOCKER_TLS alone: TLS, unchecked. */
  verify: boolean;
  /** DOCKER_CERT_PATH, else DOCKER_CONFIG, else ~/.docker: holds ca.pem, cert.pem and key.pem. */
  certPath: string;
  /** How certPath was chosen, for messages. */
  certPathFrom: string;
}

/** cli/flags/options.go: any non-empty DOCKER_TLS_VERIFY means TLS, verified; DOCKER_TLS alone, TLS unverified. */
export function tlsSettings(env: NodeJS.ProcessEnv): TlsSettings | undefined {
  const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
  if (!verify && (env.DOCKER_TLS ?? '') === '') return undefined;
  if (env.DOCKER_CERT_PATH) return { verify, certPath: env.DOCKER_CERT_PATH, certPathFrom: 'DOCKER_CERT_PATH' };
  if (env.DOCKER_CONFIG)
    return { verify, certPath: env.DOCKER_CONFIG, certPathFrom: 'DOCKER_CONFIG (DOCKER_CERT_PATH is not set)' };
  return {
    verify,
    certPath: join(env.HOME || homedir(), '.docker'),
    certPathFrom: 'the default, as DOCKER_CERT_PATH is not set',
  };
}

export interface TlsMaterial {
  ca: Buffer;
  /** The client certificate and key: only when both files exist, as the CLI (it goes on without them). */
  clientCert?: { cert: Buffer; key: Buffer };
  /** Why there is no client certificate. */
  missing?: string;
}

export function loadTlsMaterial(tls: TlsSettings): TlsMaterial {
  const path = (name: string) => join(tls.certPath, name);
  const ca = readTlsFile(tls, 'ca.pem');
  if (!ca) {
    throw tlsError(
      tls,
      `${path('ca.pem')} does not exist (${tls.certPathFrom})`,
      `put the engine's CA certificate there, or point DOCKER_CERT_PATH at the folder holding ca.pem, cert.pem and key.pem`,
    );
  }
  const cert = readTlsFile(tls, 'cert.pem');
  const key = readTlsFile(tls, 'key.pem');
  if (cert && key) return { ca, clientCert: { cert, key } };
  const missing = [cert ? undefined : 'cert.pem', key ? undefined : 'key.pem'].filter(Boolean).join(' and ');
  return { ca, missing: `${missing} missing in ${tls.certPath}` };
}

function readTlsFile(tls: TlsSettings, name: string): Buffer | undefined {
  const path = join(tls.certPath, name);
  if (!existsSync(path)) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw tlsError(
      tls,
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      'make it readable by this user',
    );
  }
}

/**
 * The checks of the CLI's tlsConfig (load.go), done before any connection so that a bad file is named as
 * such instead of surfacing as a failed handshake.
 */
export function checkedTls(tls: TlsSettings, material: TlsMaterial): { ca: Buffer; cert?: Buffer; key?: Buffer } {
  const caPath = join(tls.certPath, 'ca.pem');
  // Checked even when the engine is not verified, as the CLI ("ca.pem seems invalid").
  if (!containsCertificate(material.ca)) {
    throw tlsError(tls, `${caPath} holds no PEM certificate`, 'put the CA certificate (PEM) of the engine there');
  }
  if (!material.clientCert) return { ca: material.ca };
  const { cert, key } = material.clientCert;
  if (/ENCRYPTED/.test(key.toString('latin1'))) {
    throw tlsError(
      tls,
      `${join(tls.certPath, 'key.pem')} is encrypted`,
      'decrypt it (`openssl pkey -in key.pem -out key.pem`): the docker CLI does not take encrypted keys either',
    );
  }
  try {
    createPrivateKey(key);
    createSecureContext({ cert, key });
  } catch (error) {
    throw tlsError(
      tls,
      `${join(tls.certPath, 'cert.pem')} and key.pem are not a usable client certificate (${(error as Error).message})`,
      'they must be the PEM certificate and the private key that belong together',
    );
  }
  return { ca: material.ca, cert, key };
}

function containsCertificate(pem: Buffer): boolean {
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.some((block) => {
    try {
      new X509Certificate(block);
      return true;
    } catch {
      return false;
    }
  });
}

export function describeTls(tls: TlsSettings, material: TlsMaterial): string {
  const parts = ['TLS', tls.verify ? 'verified' : 'not verified'];
  if (material.missing) parts.push(`no client certificate: ${material.missing}`);
  return parts.join(', ');
}

function tlsError(tls: TlsSettings, problem: string, hint: string): BaleenError {
  const setting = tls.verify ? 'DOCKER_TLS_VERIFY' : 'DOCKER_TLS';
  return new BaleenError(SETTINGS_ERROR, `${setting} is set but ${problem}`, { hint: `${hint} (or unset ${setting})` });
}

// ---------------------------------------------------------------------------------------------- failures

/** Node's codes for a TLS session that could not be set up or was refused by the other side. */
export function isTlsFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^ERR_SSL_|^ERR_TLS_|^EPROTO$|CERT|ISSUER|SELF_SIGNED|SIGNATURE|^UNABLE_TO_/.test(code);
}

/** A TLS engine's answer to plain HTTP (Go's http server says so in a 400). */
export function isPlainHttpToTls(error: object): boolean {
  const { statusCode, message } = error as { statusCode?: number; message?: string };
  return statusCode === 400 && /HTTP request to an HTTPS server/i.test(message ?? '');
}

/** OpenSSL's reason ("sslv3 alert bad certificate") rather than its whole error line, and Node's code. */
export function tlsReason(error: object): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = (message ?? String(error)).split('\n')[0]!.trim();
  const reason = /error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:]+)/.exec(text)?.[1] ?? text;
  return code && !reason.includes(code) ? `${reason}, ${code}` : reason;
}

/** What to change, by who gave up: the engine (an alert), or this side checking the engine's certificate. */
export function tlsHint(error: object, tls: TlsSettings): string {
  const code = (error as { code?: string }).code ?? '';
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|UNKNOWN_CA|ACCESS_DENIED)/.test(code)) {
    return `the engine refused this client: put cert.pem and key.pem, a client certificate signed by a CA the engine trusts (its --tlscacert), in ${tls.certPath}`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return "the engine's certificate is not made out to this host name or address: use one it names (its subjectAltName)";
  }
  if (/CERT|ISSUER|SELF_SIGNED|SIGNATURE|^UNABLE_TO_/.test(code)) {
    return `${join(tls.certPath, 'ca.pem')} must be the CA that signed the engine's certificate (the engine's --tlscacert)`;
  }
  return `check that the address is the engine's TLS port and that ${tls.certPath} holds its ca.pem and your cert.pem and key.pem (as for \`docker --tlsverify\`)`;
}
