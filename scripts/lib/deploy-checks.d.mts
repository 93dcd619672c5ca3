// Types of deploy-checks.mjs, for the tests (TypeScript) that import it.

export interface CheckResult {
  name: string;
  checked: string[];
  problems: string[];
  warnings: string[];
}

export interface WorkerConfig {
  main?: string;
  compatibility_flags?: string[];
  vars?: Record<string, unknown>;
  durable_objects?: { bindings?: Array<{ name: string; class_name: string; script_name?: string }> };
  migrations?: Array<{
    tag: string;
    new_classes?: string[];
    new_sqlite_classes?: string[];
    renamed_classes?: Array<{ from: string; to: string }>;
    deleted_classes?: string[];
  }>;
  d1_databases?: Array<{ binding: string; database_name?: string; database_id?: string; migrations_dir?: string }>;
  triggers?: { crons?: string[] };
}

export const SECRET_NAMES: string[];
export const BUNDLE_LIMITS: { freeBytes: number; paidBytes: number };

export function checkBindings(config: WorkerConfig, expected?: { migrationsDir?: string }): CheckResult;
export function envNamesRead(source: string): Set<string>;
export function declaredEnvNames(declarations: string): Set<string>;
export function checkSecrets(
  config: WorkerConfig,
  files: { sources: Record<string, string>; declarations: string; readme: string; secrets?: string[] },
): CheckResult;
export function checkMigrations(sqlFiles: string[], journal: { entries?: Array<{ idx: number; tag: string }> }): CheckResult;
export function checkVars(config: WorkerConfig): CheckResult;
export function checkBundle(build: { gzipBytes: number; rawBytes: number; mainSource: string }): CheckResult;
