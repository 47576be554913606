import type { NewCustomUnicorn } from './dbUtils.ts';

/**
 * Input validation, from the workshop's API Gateway models (`name`
 * `^[a-zA-Z0-9- ]+$`, `imageUrl` `^https?://...`, ids `^[0-9]*$`), enforced
 * in the function too so it holds whatever calls it.
 */

const NAME = /^[a-zA-Z0-9- ]{1,255}$/;
const IMAGE_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$/;
const ID = /^[0-9]{1,10}$/;

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseId(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string' || !ID.test(value)) return undefined;
  const id = Number(value);
  return id > 0 ? id : undefined;
}

export function validateName(value: unknown): Validated<string> {
  return typeof value === 'string' && NAME.test(value)
    ? { ok: true, value }
    : { ok: false, message: 'name must be 1-255 letters, digits, spaces or dashes' };
}

export function validateCustomUnicorn(
  body: Record<string, unknown> | undefined,
): Validated<NewCustomUnicorn> {
  if (!body) return { ok: false, message: 'body must be a JSON object' };
  const name = validateName(body.name);
  if (!name.ok) return name;
  if (typeof body.imageUrl !== 'string' || body.imageUrl.length > 255 || !IMAGE_URL.test(body.imageUrl)) {
    return { ok: false, message: 'imageUrl must be an http(s) URL of at most 255 characters' };
  }
  const parts: Record<string, number> = {};
  for (const field of ['sock', 'horn', 'glasses', 'cape'] as const) {
    const id = parseId(body[field]);
    if (id === undefined) return { ok: false, message: `${field} must be a positive integer id` };
    parts[field] = id;
  }
  return {
    ok: true,
    value: {
      name: name.value,
      imageUrl: body.imageUrl,
      sock: parts.sock!,
      horn: parts.horn!,
      glasses: parts.glasses!,
      cape: parts.cape!,
    },
  };
}
