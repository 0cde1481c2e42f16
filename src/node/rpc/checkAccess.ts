// Who may talk to the node's port, judged from the Host and Origin headers alone. A web page can
// reach a node on the visitor's machine in two ways: directly (its Origin is foreign; WebSockets have
// no CORS to stop it) or by DNS rebinding, where its own name resolves to 127.0.0.1 and the browser
// then sends that name as Host. Checking Origin stops the first and Host the second; clients that are
// not browsers send no Origin and are not a page's tool, so they pass. Pure: headers in, verdict out.
import { isIPv6 } from 'node:net';
import { NodeError } from '../errors.js';

/** Host names a browser uses for this machine; a rebinding attacker's name is never one of them. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export interface AccessPolicy {
  /** Lowercase host names (IPv6 in brackets, no port) a request may name in Host; '*' is any. */
  readonly hosts: ReadonlySet<string> | '*';
  /** Origins (`scheme://host[:port]`) allowed besides loopback pages and same-origin ones; '*' is any. */
  readonly origins: ReadonlySet<string> | '*';
}

export type AccessVerdict =
  | {
      allowed: true;
      /** An allowed cross-origin caller, to echo in Access-Control-Allow-Origin; undefined otherwise. */
      corsOrigin: string | undefined;
    }
  | { allowed: false; reason: string };

/** Addresses that listen on every interface name no Host, so they add nothing to the allowlist. */
const WILDCARD_BINDS = new Set(['', '0.0.0.0', '::', '[::]']);

/** `name` or `name:port` → lowercase host name without a trailing dot; undefined if it is not one. */
function hostnameOf(value: string): string | undefined {
  // A Host header is authority only: anything that would make URL read a path or user is refused.
  if (value === '' || /[/?#@\\\s]/.test(value)) return undefined;
  try {
    const hostname = new URL(`http://${isIPv6(value) ? `[${value}]` : value}`).hostname;
    return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  } catch {
    return undefined;
  }
}

/** `name:port` as URL writes it after `http://`, to compare with an Origin's host. */
function authorityOf(value: string): string | undefined {
  if (hostnameOf(value) === undefined) return undefined;
  return new URL(`http://${isIPv6(value) ? `[${value}]` : value}`).host;
}

/**
 * The node's allowlist: loopback names and the address it is bound to (unless that is a wildcard),
 * plus `allowedHosts`; pages on loopback and same-origin pages, plus `allowedOrigins`. Either list
 * may be `['*']` for any. Throws NodeError('InvalidOption') on an entry that is not a host or origin.
 */
export function createAccessPolicy(options: {
  bindHost: string;
  allowedHosts?: readonly string[];
  allowedOrigins?: readonly string[];
}): AccessPolicy {
  const allowedHosts = options.allowedHosts ?? [];
  const allowedOrigins = options.allowedOrigins ?? [];
  let hosts: Set<string> | '*' = '*';
  if (!allowedHosts.includes('*')) {
    hosts = new Set(LOOPBACK_HOSTS);
    const bind = options.bindHost.toLowerCase();
    const entries = WILDCARD_BINDS.has(bind) ? allowedHosts : [...allowedHosts, bind];
    for (const entry of entries) {
      const hostname = hostnameOf(entry.trim());
      if (hostname === undefined) {
        throw new NodeError('InvalidOption', `allowed host is not a host name: "${entry}"`, { entry });
      }
      hosts.add(hostname);
    }
  }
  let origins: Set<string> | '*' = '*';
  if (!allowedOrigins.includes('*')) {
    origins = new Set();
    for (const entry of allowedOrigins) {
      const origin = originOf(entry.trim());
      if (origin === undefined) {
        throw new NodeError('InvalidOption', `allowed origin is not an http(s) origin: "${entry}"`, {
          entry,
        });
      }
      origins.add(origin.origin);
    }
  }
  return { hosts, origins };
}

function originOf(value: string): URL | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.username !== '' || url.password !== '' || (url.pathname !== '/' && url.pathname !== '')) {
      return undefined;
    }
    return url;
  } catch {
    return undefined;
  }
}

/**
 * Whether a request with these headers may be served. A missing Host is refused (every browser
 * sends one; HTTP/1.1 requires it); a missing Origin is allowed (not a browser page).
 */
export function checkAccess(
  policy: AccessPolicy,
  headers: { host: string | undefined; origin: string | undefined },
): AccessVerdict {
  const { host, origin: originHeader } = headers;
  const hostname = host === undefined ? undefined : hostnameOf(host);
  if (host === undefined || hostname === undefined) {
    return { allowed: false, reason: 'missing or malformed Host header' };
  }
  if (policy.hosts !== '*' && !policy.hosts.has(hostname)) {
    return { allowed: false, reason: `host "${hostname.slice(0, 100)}" is not allowed` };
  }
  if (originHeader === undefined) return { allowed: true, corsOrigin: undefined };
  const origin = originOf(originHeader);
  // A page loaded from this very node (the dashboard): the browser's own same-origin rule applies.
  if (origin !== undefined && origin.host === authorityOf(host))
    return { allowed: true, corsOrigin: undefined };
  const allowed =
    policy.origins === '*' ||
    (origin !== undefined && (LOOPBACK_HOSTS.includes(origin.hostname) || policy.origins.has(origin.origin)));
  if (!allowed) return { allowed: false, reason: `origin "${originHeader.slice(0, 100)}" is not allowed` };
  return { allowed: true, corsOrigin: origin?.origin ?? originHeader };
}
