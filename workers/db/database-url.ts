/**
 * Which central database the Worker uses, read from its settings: `DATABASE_URL` set (and not
 * blank) means a libSQL server (Turso or sqld) with `DATABASE_AUTH_TOKEN`; otherwise the D1
 * binding `DB`. Pure: no driver is touched here, so a wrong setting is named before anything connects.
 */

/** The two Worker secrets that configure libSQL. */
export interface DatabaseSettings {
  DATABASE_URL?: string;
  DATABASE_AUTH_TOKEN?: string;
}

export type DatabaseSetting = keyof DatabaseSettings;

export type DatabaseChoice =
  | { driver: "d1" }
  | { driver: "libsql"; url: string; authToken: string | undefined }
  /** DATABASE_URL is set but unusable: every query answers this, naming the setting. */
  | { driver: "misconfigured"; setting: DatabaseSetting; message: string };

const SCHEMES = ["libsql:", "https:", "http:"];
const EXPECTED = "libsql://…, https://… or http://…";

export function chooseDatabase(settings: DatabaseSettings): DatabaseChoice {
  const url = (settings.DATABASE_URL ?? "").trim();
  if (url === "") return { driver: "d1" };
  const urlProblem = problemWithUrl(url);
  if (urlProblem) return misconfigured("DATABASE_URL", urlProblem);
  // Secrets piped in with `echo` end in a newline: surrounding whitespace is never part of a token.
  const authToken = (settings.DATABASE_AUTH_TOKEN ?? "").trim();
  if (authToken !== "" && !/^[\x21-\x7e]+$/.test(authToken)) {
    return misconfigured("DATABASE_AUTH_TOKEN", "DATABASE_AUTH_TOKEN contains spaces or characters outside printable ASCII");
  }
  return { driver: "libsql", url, authToken: authToken === "" ? undefined : authToken };
}

/** Why the URL cannot reach a libSQL server over HTTP, or null. The value is never echoed: it may hold credentials. */
function problemWithUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `DATABASE_URL is not a URL (expected ${EXPECTED})`;
  }
  if (!SCHEMES.includes(url.protocol)) return `DATABASE_URL must start with libsql://, https:// or http://, not ${url.protocol}//`;
  if (url.hostname === "") return `DATABASE_URL names no host (expected ${EXPECTED})`;
  if (url.username !== "" || url.password !== "") return "DATABASE_URL must not carry credentials: put the token in DATABASE_AUTH_TOKEN";
  // The client would read ?authToken= and ?tls= from it: one place for each setting is clearer.
  if (url.search !== "" || url.hash !== "") return "DATABASE_URL must have no query or fragment: put the token in DATABASE_AUTH_TOKEN";
  return null;
}

function misconfigured(setting: DatabaseSetting, message: string): DatabaseChoice {
  return { driver: "misconfigured", setting, message };
}
