import { ApiError } from "./errors";
import type { ShopSettings } from "./schemas/settings";

/**
 * Secrets in settings are write-only: answers show them masked, as `••••` and the last
 * 2 characters (nothing of a secret shorter than 8 characters). A PUT that sends a masked value
 * back means "unchanged", so GET → edit → PUT keeps the stored secret.
 */
const MASK = "••••";
const SHOWN_CHARACTERS = 2;
const SHOWN_FROM_LENGTH = 8;
/**
 * A provider's field named like a credential is treated as one: `api_key` and `auth_token`, and any
 * such field of settings stored while provider settings were still free-form.
 */
const PROVIDER_SECRET_FIELD = /secret|key|token|password/i;

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isSecretField(channel: string, field: string): boolean {
  return channel === "webhook" ? field === "secret" : PROVIDER_SECRET_FIELD.test(field);
}

function maskSecret(secret: string): string {
  return secret.length >= SHOWN_FROM_LENGTH ? MASK + secret.slice(-SHOWN_CHARACTERS) : MASK;
}

/** Copies `channels`, passing every secret string of every channel through `replace`. */
function mapChannelSecrets(channels: unknown, replace: (secret: string, channel: string, field: string) => string): unknown {
  if (!isPlain(channels)) return channels;
  const entries = Object.entries(channels).map(([channel, config]) => {
    if (!isPlain(config)) return [channel, config];
    const fields = Object.entries(config).map(([field, value]) => [
      field,
      typeof value === "string" && isSecretField(channel, field) ? replace(value, channel, field) : value,
    ]);
    return [channel, Object.fromEntries(fields)];
  });
  return Object.fromEntries(entries);
}

/** The settings as answers show them: every secret masked. */
export function maskSettingsSecrets(settings: ShopSettings): ShopSettings {
  return { ...settings, channels: mapChannelSecrets(settings.channels, maskSecret) as ShopSettings["channels"] };
}

function storedSecret(stored: ShopSettings, channel: string, field: string): string {
  const config: unknown = (stored.channels as Plain)[channel];
  const value = isPlain(config) ? config[field] : undefined;
  if (typeof value !== "string")
    throw new ApiError(
      400,
      "masked_secret",
      "There is no stored secret here to keep; send the secret itself",
      `channels.${channel}.${field}`,
    );
  return value;
}

/** Puts the stored secret back wherever the merged settings carry a masked value. */
export function unmaskSecrets(merged: unknown, stored: ShopSettings): unknown {
  if (!isPlain(merged)) return merged;
  return {
    ...merged,
    channels: mapChannelSecrets(merged.channels, (value, channel, field) =>
      value.startsWith(MASK) ? storedSecret(stored, channel, field) : value,
    ),
  };
}
