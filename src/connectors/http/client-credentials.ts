/**
 * The OAuth 2.0 client-credentials grant, by hand: a form POST to the token endpoint
 * (Microsoft Entra §A1, Jamf Pro §C, Workspace ONE SaaS §B). msal refuses http:// authorities,
 * so it could not talk to an emulator (stack.md); this can.
 */
import type { AccessToken } from "./auth.ts";
import { AuthError } from "./errors.ts";

export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Entra: `https://graph.microsoft.com/.default`; Jamf: `api-role:2` (optional). */
  scope?: string;
  /** More form fields (e.g. `client_assertion_type` + `client_assertion` instead of a secret). */
  extra?: Record<string, string>;
  /** Wall-clock bound on one token request (default 30 s). */
  timeoutMs?: number;
}

/**
 * A token source for {@link BearerTokenAuth}. A refusal (`{error, error_description}`) throws
 * an AuthError naming the code, e.g. `invalid_client: AADSTS7000215: Invalid client secret…`,
 * which is never retried; an unreachable or 5xx/429 endpoint throws a retryable one.
 */
export function clientCredentials(options: ClientCredentialsOptions): () => Promise<AccessToken> {
  const url = new URL(options.tokenUrl);
  const endpoint = `${url.host}${url.pathname}`;
  return async () => {
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: options.clientId });
    if (options.clientSecret) form.set("client_secret", options.clientSecret);
    if (options.scope) form.set("scope", options.scope);
    for (const [k, v] of Object.entries(options.extra ?? {})) form.set(k, v);
    let status = 0;
    let text: string;
    try {
      const res = await fetch(url, {
        method: "POST",
        body: form,
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      status = res.status;
      text = await res.text();
    } catch (cause) {
      throw new AuthError({
        endpoint,
        code: "network",
        description: String(cause),
        status,
        retryable: true,
        cause,
      });
    }
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      // not JSON: described by status below
    }
    if (status >= 200 && status < 300 && typeof body.access_token === "string") {
      const expiresIn = Number(body.expires_in);
      return { token: body.access_token, expiresInSeconds: Number.isFinite(expiresIn) ? expiresIn : 3600 };
    }
    const ok = status >= 200 && status < 300;
    throw new AuthError({
      endpoint,
      code: typeof body.error === "string" ? body.error : ok ? "bad_token_response" : `http_${status}`,
      description: typeof body.error_description === "string" ? body.error_description : text.slice(0, 300),
      status,
      retryable: status === 429 || status >= 500,
    });
  };
}
