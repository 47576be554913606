import { describeRoutes } from './routes-suite.ts';

// The demo's embedded default: node:sqlite in memory, its statements traced through traceSql.
describeRoutes('every route against dynalite + SQLite', { expectSql: true });
