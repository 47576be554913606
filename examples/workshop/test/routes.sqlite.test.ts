import { describeRoutes } from './routes-suite.ts';

// The demo's embedded default: node:sqlite in memory (SQL is not traced there: only mysql2 is captured).
describeRoutes('every route against dynalite + SQLite', { expectSql: false });
