// Types of libsql-migrate.mjs, for the TypeScript that imports it (the tests' global setup).

export interface LibsqlSettings {
  url: string;
  authToken: string | undefined;
}

/** Checks DATABASE_URL (and trims DATABASE_AUTH_TOKEN), throwing an error that names the setting. */
export declare function libsqlSettings(options?: { url?: string; authToken?: string }): LibsqlSettings;

/** Applies the migration files not yet recorded in d1_migrations; returns the names applied. */
export declare function migrateLibsql(options: {
  url?: string;
  authToken?: string;
  dir?: string;
  log?: (line: string) => void;
}): Promise<string[]>;

export interface Sqld {
  url: string;
  stop(): Promise<void>;
  process: import("node:child_process").ChildProcess;
}

/** Starts a local sqld on 127.0.0.1 (a free port unless given) and waits until it answers. */
export declare function startSqld(options?: { dbPath?: string; port?: number; timeoutMs?: number }): Promise<Sqld>;
