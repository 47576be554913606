import type { Db } from './db.ts';

/**
 * The workshop's data functions, rebuilt: every value is a bound parameter
 * and table names come from a fixed list, so neither a `cape` of
 * `2); INSERT INTO Socks ...` nor an id of `1; drop table ...` can change
 * the statement.
 */

export const BODY_PARTS = { horns: 'Horns', socks: 'Socks', glasses: 'Glasses', capes: 'Capes' } as const;
export type BodyPart = keyof typeof BODY_PARTS;

export function isBodyPart(value: unknown): value is BodyPart {
  return typeof value === 'string' && Object.hasOwn(BODY_PARTS, value);
}

export interface PartOption {
  ID: number;
  NAME: string;
  PRICE: number;
}

export interface CustomUnicorn {
  ID: number;
  NAME: string;
  IMAGEURL: string;
  SOCK: number;
  HORN: number;
  GLASSES: number;
  CAPE: number;
}

export interface NewCustomUnicorn {
  name: string;
  imageUrl: string;
  sock: number;
  horn: number;
  glasses: number;
  cape: number;
}

/** Thrown when a company name is already taken (the UNIQUE constraint). */
export class DuplicateCompanyError extends Error {
  override readonly name = 'DuplicateCompanyError';
}

function table(part: BodyPart): string {
  if (!isBodyPart(part)) throw new TypeError(`unknown body part ${JSON.stringify(part)}`);
  return BODY_PARTS[part];
}

function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; errcode?: number; message?: string };
  return (
    e?.code === 'ER_DUP_ENTRY' || e?.errcode === 2067 || /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

export function createDbUtils(getDb: () => Promise<Db>) {
  return {
    async listBodyPartOptions(part: BodyPart): Promise<PartOption[]> {
      const db = await getDb();
      return db.query<PartOption>(`SELECT ID, NAME, PRICE FROM ${table(part)} ORDER BY ID`);
    },

    async countBodyPartOptions(part: BodyPart): Promise<[BodyPart, number]> {
      const db = await getDb();
      const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table(part)}`);
      return [part, Number(row?.n ?? 0)];
    },

    async addPartnerCompany(name: string): Promise<{ companyId: number }> {
      const db = await getDb();
      try {
        const { insertId } = await db.execute('INSERT INTO Companies (NAME) VALUES (?)', [name]);
        return { companyId: insertId };
      } catch (error) {
        if (isDuplicateKey(error)) throw new DuplicateCompanyError(`Company ${name} already exists`);
        throw error;
      }
    },

    async createCustomUnicorn(
      unicorn: NewCustomUnicorn,
      company: number,
    ): Promise<{ customUnicornId: number }> {
      const db = await getDb();
      const { insertId } = await db.execute(
        'INSERT INTO Custom_Unicorns (NAME, COMPANY, IMAGEURL, SOCK, HORN, GLASSES, CAPE) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [unicorn.name, company, unicorn.imageUrl, unicorn.sock, unicorn.horn, unicorn.glasses, unicorn.cape],
      );
      return { customUnicornId: insertId };
    },

    /** Always scoped to one company: the original listed every company's rows when it had none. */
    async listCustomUnicorn(company: number): Promise<CustomUnicorn[]> {
      const db = await getDb();
      return db.query<CustomUnicorn>(
        'SELECT ID, NAME, IMAGEURL, SOCK, HORN, GLASSES, CAPE FROM Custom_Unicorns WHERE COMPANY = ? ORDER BY ID',
        [company],
      );
    },

    async getCustomUnicorn(id: number, company: number): Promise<CustomUnicorn | undefined> {
      const db = await getDb();
      const [row] = await db.query<CustomUnicorn>(
        'SELECT ID, NAME, IMAGEURL, SOCK, HORN, GLASSES, CAPE FROM Custom_Unicorns WHERE ID = ? AND COMPANY = ?',
        [id, company],
      );
      return row;
    },

    async deleteCustomUnicorn(id: number, company: number): Promise<{ id?: number }> {
      const db = await getDb();
      const { affectedRows } = await db.execute('DELETE FROM Custom_Unicorns WHERE ID = ? AND COMPANY = ?', [
        id,
        company,
      ]);
      return affectedRows === 1 ? { id } : {};
    },
  };
}

export type DbUtils = ReturnType<typeof createDbUtils>;
