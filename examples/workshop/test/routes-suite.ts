import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { RuntimeGuardViolationError } from '@lambda-sentinel/runtime-guard';
import { fixtures, type SpanView } from '@lambda-sentinel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse, Invocation } from '../local/api-gateway.ts';
import { ownSpans } from '../local/report/model.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../local/stack.ts';
import { guardOptions } from '../src/shared/guard.ts';

/**
 * Every route of the workshop API end to end, through the API Gateway
 * emulation (authorizer, then function) against dynalite, the Cognito
 * stand-in, the X-Ray collector and one database. Shared by the SQLite and
 * MySQL test files: each runs in its own process, because the stack sets
 * process.env and the handler modules read it once at load.
 */
export function describeRoutes(title: string, options: LocalStackOptions & { expectSql: boolean }) {
  describe(title, () => {
    let stack: LocalStack;
    let ddb: DynamoDBClient;
    const invocations: Invocation[] = [];
    const secrets: string[] = [];
    let partnerToken = '';
    let otherToken = '';
    let adminToken = '';

    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
    async function send(method: string, path: string, token?: string, body?: unknown): Promise<ApiResponse> {
      const response = await stack.api.request(method, path, {
        ...(token ? { headers: bearer(token) } : {}),
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      invocations.push(...response.invocations);
      return response;
    }
    const json = (response: ApiResponse) => JSON.parse(response.body);

    /** This invocation's spans (as X-Ray shows them), once its own handler span has arrived. */
    async function traceOf(inv: Invocation): Promise<SpanView[]> {
      const ended = () =>
        stack.traces.spans(inv.traceRoot).some((s) => s.parentId === inv.parentId && !s.inProgress);
      for (const deadline = Date.now() + 5000; !ended() && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return ownSpans(inv, stack.traces.spans(inv.traceRoot));
    }

    async function registerPartner(name: string): Promise<string> {
      const response = await send('POST', '/partners', adminToken, { name });
      expect(response.statusCode, response.body).toBe(200);
      const { ClientID, ClientSecret } = json(response);
      expect(ClientID).toMatch(/^[a-z0-9]+$/);
      expect(ClientSecret.length).toBeGreaterThan(20);
      secrets.push(ClientSecret);
      const token = stack.cognito.accessToken(ClientID, ['WildRydes/CustomizeUnicorn']);
      secrets.push(token);
      return token;
    }

    const unicorn = {
      name: 'Rainbow Rider',
      imageUrl: 'https://example.com/u.png',
      sock: 1,
      horn: 2,
      glasses: 3,
      cape: 2,
    };

    beforeAll(async () => {
      stack = await startLocalStack(options);
      ddb = new DynamoDBClient({
        endpoint: stack.dynamodbEndpoint,
        region: stack.region,
        credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
      });
      adminToken = stack.cognito.accessToken('wildrydes-admin', ['WildRydes/ManagePartners']);
      secrets.push(adminToken);
      partnerToken = await registerPartner('Unicorn Rides Inc');
      otherToken = await registerPartner('Other Rides Ltd');
    });
    afterAll(async () => {
      ddb?.destroy();
      await stack?.close();
    });

    describe('GET /horns /socks /glasses /capes', () => {
      it.each([
        ['/horns', 8, { ID: 1, NAME: 'White', PRICE: 0 }, { ID: 8, NAME: 'Gold', PRICE: 3 }],
        ['/socks', 2, { ID: 1, NAME: 'Basic', PRICE: 0 }, { ID: 2, NAME: 'Branded', PRICE: 1 }],
        ['/glasses', 7, { ID: 1, NAME: 'Basic', PRICE: 1 }, { ID: 7, NAME: 'Butterfly', PRICE: 2 }],
        ['/capes', 4, { ID: 1, NAME: 'White', PRICE: 0 }, { ID: 4, NAME: 'Branded on Rainbow', PRICE: 4 }],
      ])('%s lists the seed options', async (path, count, first, last) => {
        const response = await send('GET', path, partnerToken);
        expect(response.statusCode).toBe(200);
        const rows = json(response);
        expect(rows).toHaveLength(count);
        expect(rows[0]).toEqual(first);
        expect(rows.at(-1)).toEqual(last);
      });

      it('is readable with any valid token (the ManagePartners one too), never without one', async () => {
        expect((await send('GET', '/socks', adminToken)).statusCode).toBe(200);
        expect((await send('GET', '/socks')).statusCode).toBe(401);
      });
    });

    describe('POST /partners', () => {
      it('refuses a duplicate company name with 400', async () => {
        const response = await send('POST', '/partners', adminToken, { name: 'Unicorn Rides Inc' });
        expect(response.statusCode).toBe(400);
        expect(json(response).message).toMatch(/already exists/);
      });

      it('answers 401 without a token and 403 to a token without the ManagePartners scope', async () => {
        expect((await send('POST', '/partners', undefined, { name: 'No Token' })).statusCode).toBe(401);
        const response = await send('POST', '/partners', partnerToken, { name: 'Wrong Scope' });
        expect(response.statusCode).toBe(403);
        expect(response.invocations.map((i) => i.function)).toEqual(['authorizer']);
      });

      it('validates the name (no SQL in it)', async () => {
        for (const name of ["x'); DROP TABLE Companies; --", '', 'a'.repeat(256), 42]) {
          expect((await send('POST', '/partners', adminToken, { name })).statusCode, String(name)).toBe(400);
        }
      });
    });

    describe('/customizations', () => {
      it('creates, reads, lists and deletes a customization of the caller’s company', async () => {
        const created = await send('POST', '/customizations', partnerToken, unicorn);
        expect(created.statusCode, created.body).toBe(200);
        const id = json(created).customUnicornId;
        expect(id).toBeGreaterThan(0);

        const read = await send('GET', `/customizations/${id}`, partnerToken);
        expect(read.statusCode).toBe(200);
        expect(json(read)).toEqual({
          ID: id,
          NAME: 'Rainbow Rider',
          IMAGEURL: unicorn.imageUrl,
          SOCK: 1,
          HORN: 2,
          GLASSES: 3,
          CAPE: 2,
        });
        expect(
          json(await send('GET', '/customizations', partnerToken)).map((u: { ID: number }) => u.ID),
        ).toContain(id);

        const deleted = await send('DELETE', `/customizations/${id}`, partnerToken);
        expect(deleted.statusCode).toBe(200);
        expect(json(deleted)).toEqual({ id });
        const gone = await send('GET', `/customizations/${id}`, partnerToken);
        expect(gone.statusCode).toBe(404);
        expect(json(gone).message).toBe(`Unicorn customization ${id} does not exist.`);
      });

      it('keeps companies apart, whatever `company` the body claims', async () => {
        const mine = json(
          await send('POST', '/customizations', partnerToken, { ...unicorn, name: 'Mine', company: 1 }),
        );
        const theirs = json(
          await send('POST', '/customizations', otherToken, { ...unicorn, name: 'Theirs' }),
        );
        const myList = json(await send('GET', '/customizations', partnerToken)).map(
          (u: { NAME: string }) => u.NAME,
        );
        const theirList = json(await send('GET', '/customizations', otherToken)).map(
          (u: { NAME: string }) => u.NAME,
        );
        expect(myList).toContain('Mine');
        expect(myList).not.toContain('Theirs');
        expect(theirList).toEqual(['Theirs']);
        // Neither reads nor deletes the other's row.
        expect(
          (await send('GET', `/customizations/${theirs.customUnicornId}`, partnerToken)).statusCode,
        ).toBe(404);
        expect(json(await send('DELETE', `/customizations/${theirs.customUnicornId}`, partnerToken))).toEqual(
          {},
        );
        expect((await send('GET', `/customizations/${theirs.customUnicornId}`, otherToken)).statusCode).toBe(
          200,
        );
        expect((await send('GET', `/customizations/${mine.customUnicornId}`, otherToken)).statusCode).toBe(
          404,
        );
      });

      it.each([
        ['SQL in cape', { cape: "2); INSERT INTO Socks (NAME, PRICE) VALUES ('pwned', 0" }, /cape/],
        ['SQL in name', { name: "x'; DROP TABLE Custom_Unicorns; --" }, /name/],
        ['a javascript: image URL', { imageUrl: 'javascript:alert(1)' }, /imageUrl/],
        ['a negative part id', { sock: -1 }, /sock/],
        ['a missing part', { horn: undefined }, /horn/],
      ])('refuses %s with 400', async (_, change, message) => {
        const response = await send('POST', '/customizations', partnerToken, { ...unicorn, ...change });
        expect(response.statusCode).toBe(400);
        expect(json(response).message).toMatch(message);
      });

      it('refuses a body that is not a JSON object, and unknown part ids, with 400', async () => {
        expect((await send('POST', '/customizations', partnerToken, 'not json')).statusCode).toBe(400);
        expect((await send('POST', '/customizations', partnerToken, [unicorn])).statusCode).toBe(400);
        const unknown = await send('POST', '/customizations', partnerToken, { ...unicorn, sock: 999 });
        expect(unknown.statusCode).toBe(400);
        expect(json(unknown).message).toMatch(/existing options/);
      });

      it('refuses SQL in the path id with 400, and the table survives', async () => {
        for (const id of ['1; drop table Custom_Unicorns;', '1 OR 1=1', '0', '-1']) {
          const response = await send('GET', `/customizations/${encodeURIComponent(id)}`, partnerToken);
          expect(response.statusCode, id).toBe(400);
          expect(
            (await send('DELETE', `/customizations/${encodeURIComponent(id)}`, partnerToken)).statusCode,
          ).toBe(400);
        }
        expect((await send('GET', '/customizations', partnerToken)).statusCode).toBe(200);
        expect(json(await send('GET', '/socks', partnerToken))).toHaveLength(2);
      });
    });

    describe('customUnicornAnalytics', () => {
      it('counts every part on schedule and records the counts in DynamoDB', async () => {
        const inv = await stack.api.invokeDirectly(
          'customUnicornAnalytics',
          fixtures.schedule({ ruleName: 'CustomUnicornAnalytics' }),
        );
        invocations.push(inv);
        expect(inv.result.error).toBeUndefined();
        const { Items = [] } = await ddb.send(new ScanCommand({ TableName: 'DemandForecast' }));
        const record = Items.find(
          (item) =>
            item.RecordTimeStamp?.S === (inv.result.result as { RecordTimeStamp: string }).RecordTimeStamp,
        );
        expect(record).toMatchObject({
          HornCount: { N: '8' },
          SockCount: { N: '2' },
          GlassCount: { N: '7' },
          CapeCount: { N: '4' },
        });
      });

      it('refuses to run from an API Gateway event', async () => {
        const inv = await stack.api.invokeDirectly(
          'customUnicornAnalytics',
          fixtures.apigatewayRest({ apiId: stack.apiId, stage: stack.stage }),
        );
        invocations.push(inv);
        const refused = inv.result.error ?? (inv.result.result as { statusCode?: number });
        expect(refused).toBeDefined();
        if (inv.result.error) expect((inv.result.error as Error).name).toBe('InvocationSourceRejectedError');
        else expect((inv.result.result as { statusCode: number }).statusCode).toBe(403);
      });
    });

    describe('the authorizer', () => {
      async function refusal(token: string) {
        const response = await send('GET', '/customizations', token);
        expect(response.statusCode).toBe(401);
        const auth = response.invocations[0];
        if (!auth) throw new Error('the authorizer did not run');
        expect((auth.result.error as Error).message).toBe('Unauthorized');
        return auth.output.logs.map((l) => JSON.stringify(l)).join('\n');
      }

      it('refuses a token with a bad signature', async () => {
        const [header, payload] = partnerToken.split('.');
        const forgedPayload = Buffer.from(
          JSON.stringify({
            ...JSON.parse(Buffer.from(payload!, 'base64url').toString()),
            client_id: 'someone-else',
          }),
        ).toString('base64url');
        const forged = `${header}.${forgedPayload}.${partnerToken.split('.')[2]}`;
        expect(await refusal(forged)).toMatch(/token rejected/);
      });

      it('refuses an expired token, an id token and a malformed one', async () => {
        const clientId = JSON.parse(
          Buffer.from(partnerToken.split('.')[1]!, 'base64url').toString(),
        ).client_id;
        expect(
          await refusal(
            stack.cognito.accessToken(clientId, ['WildRydes/CustomizeUnicorn'], { expiresInSeconds: -60 }),
          ),
        ).toMatch(/token rejected/);
        expect(
          await refusal(
            stack.cognito.accessToken(clientId, ['WildRydes/CustomizeUnicorn'], {
              claims: { token_use: 'id' },
            }),
          ),
        ).toMatch(/token rejected/);
        expect(await refusal('not-a-jwt')).toMatch(/token rejected/);
      });

      it('matches scopes exactly (the original matched substrings)', async () => {
        const clientId = JSON.parse(
          Buffer.from(partnerToken.split('.')[1]!, 'base64url').toString(),
        ).client_id;
        const response = await send(
          'GET',
          '/customizations',
          stack.cognito.accessToken(clientId, ['WildRydes/CustomizeUnicornX']),
        );
        expect(response.statusCode).toBe(403);
      });

      it('refuses a client that is not mapped to a company', async () => {
        expect(
          await refusal(stack.cognito.accessToken('unmapped-client', ['WildRydes/CustomizeUnicorn'])),
        ).toMatch(/not mapped/);
      });

      it('answers Unauthorized when DynamoDB fails (the original never answered)', async () => {
        const { Items = [] } = await ddb.send(new ScanCommand({ TableName: 'Partners' }));
        await ddb.send(new DeleteTableCommand({ TableName: 'Partners' }));
        await waitUntilTableNotExists(
          { client: ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 2 },
          { TableName: 'Partners' },
        );
        try {
          expect(await refusal(partnerToken)).toMatch(/partner lookup failed: ResourceNotFoundException/);
        } finally {
          await ddb.send(
            new CreateTableCommand({
              TableName: 'Partners',
              AttributeDefinitions: [{ AttributeName: 'ClientID', AttributeType: 'S' }],
              KeySchema: [{ AttributeName: 'ClientID', KeyType: 'HASH' }],
              BillingMode: 'PAY_PER_REQUEST',
            }),
          );
          // dynalite marks a new table ACTIVE on a timer: under load a PutItem can arrive first.
          await waitUntilTableExists(
            { client: ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 2 },
            { TableName: 'Partners' },
          );
          for (const Item of Items) await ddb.send(new PutItemCommand({ TableName: 'Partners', Item }));
        }
        expect((await send('GET', '/customizations', partnerToken)).statusCode).toBe(200);
      });
    });

    describe('forged invocations', () => {
      it('refuses a direct invocation that does not come from the API', async () => {
        const inv = await stack.api.invokeDirectly('customizeUnicorn', {
          resource: '/customizations',
          httpMethod: 'GET',
          requestContext: { authorizer: { CompanyID: '1' } },
        });
        invocations.push(inv);
        expect((inv.result.error as Error).name).toBe('InvocationSourceRejectedError');
        expect(inv.output.logs.some((l: any) => l.security_event?.type === 'source_rejected')).toBe(true);
      });

      it('answers 403 to an API Gateway event from another API, without running the handler', async () => {
        const event = fixtures.apigatewayRest({
          apiId: 'evil0api01',
          stage: stack.stage,
          method: 'GET',
          path: '/customizations',
        }) as any;
        event.resource = '/customizations';
        event.requestContext.authorizer = { CompanyID: '1', principalId: 'forged' };
        const inv = await stack.api.invokeDirectly('customizeUnicorn', event);
        invocations.push(inv);
        const response = inv.result.result as { statusCode: number; body: string } | undefined;
        expect(response?.statusCode ?? (inv.result.error as { statusCode?: number })?.statusCode).toBe(403);
        const spans = await traceOf(inv);
        expect(spans.some((s) => s.annotations.security_event === 'source_rejected')).toBe(true);
        expect(spans.filter((s) => s.namespace === 'remote')).toEqual([]);
        // A refusal is an error (4xx), not a fault.
        const handler = spans.find((s) => s.parentId === inv.parentId);
        expect({ error: handler?.error, fault: handler?.fault }).toEqual({ error: true, fault: false });
      });
    });

    describe('traces', () => {
      it('records the handler subsegment with the source and principal annotations', async () => {
        const response = await send('GET', '/customizations', partnerToken);
        const call = response.invocations.find((i) => i.function === 'customizeUnicorn')!;
        const spans = await traceOf(call);
        const handler = spans.find((s) => s.parentId === call.parentId);
        expect(handler?.name).toMatch(/^## /);
        expect(handler?.annotations).toMatchObject({
          Service: 'customize-unicorn',
          source_kind: 'apigateway-rest',
          principal: expect.stringMatching(/^sha256:/),
        });
        expect(handler?.traceId).toBe(call.traceRoot);
      });

      it('records the DynamoDB PutItem of managePartners with its table name', async () => {
        const response = await send('POST', '/partners', adminToken, { name: 'Traced Partner' });
        expect(response.statusCode, response.body).toBe(200);
        secrets.push(json(response).ClientSecret);
        const call = response.invocations.find((i) => i.function === 'managePartners')!;
        const spans = await traceOf(call);
        const put = spans.find((s) => s.namespace === 'aws' && s.name === 'DynamoDB');
        expect(put?.aws).toMatchObject({ operation: 'PutItem', tableName: 'Partners' });
        expect(spans.some((s) => s.namespace === 'aws' && s.aws?.operation === 'CreateUserPoolClient')).toBe(
          true,
        );
      });

      it.runIf(options.expectSql)(
        'records SQL subsegments with the sanitized query and no password in the url',
        async () => {
          const response = await send('POST', '/customizations', partnerToken, {
            ...unicorn,
            name: 'Sql Traced',
          });
          const call = response.invocations.find((i) => i.function === 'customizeUnicorn')!;
          const sql = (await traceOf(call)).filter((s) => s.sql);
          expect(sql.length).toBeGreaterThan(0);
          const insert = sql.find((s) => /INSERT INTO Custom_Unicorns/.test(s.sql?.query ?? ''));
          expect(insert?.sql?.query).toMatch(/VALUES \(\?, \?, \?, \?, \?, \?, \?\)/);
          for (const span of sql) {
            expect(JSON.stringify(span.sql)).not.toContain('Sql Traced');
            expect(span.sql?.url ?? '').not.toMatch(/\/\/[^/@]*:[^/@]*@/);
            expect(span.sql?.databaseType).toMatch(options.mysqlUrl ? /mysql/i : /sqlite/i);
          }
        },
      );

      it('leaks no client secret and no token into any segment or log line', async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const everything = stack.traces.raw() + invocations.flatMap((i) => i.output.lines).join('\n');
        expect(invocations.length).toBeGreaterThan(30);
        for (const secret of secrets) {
          expect(everything).not.toContain(secret);
          // Nor the signature part alone (the part that makes a token usable).
          if (secret.split('.').length === 3) expect(everything).not.toContain(secret.split('.')[2]);
        }
      });
    });

    describe('the runtime guard', () => {
      it('saw no violation in any invocation of the whole suite', () => {
        const logged = invocations.flatMap((inv) =>
          inv.output.logs
            .filter((l: any) => l.security_event?.type === 'guard_violation')
            .map((l: any) => ({ function: inv.function, ...l.security_event })),
        );
        const counted = invocations.flatMap((inv) =>
          inv.output.emf.filter((d) => d.event_type === 'guard_violation').map(() => inv.function),
        );
        expect(invocations.length).toBeGreaterThan(30);
        expect(logged).toEqual([]);
        expect(counted).toEqual([]);
      });

      it('was on all along: every function’s strict policy, hooks installed, and it blocks', () => {
        expect(guardOptions()).toMatchObject({ mode: 'block' });
        for (const fn of [
          fs.writeFileSync,
          fs.promises.readFile,
          childProcess.execFileSync,
          (childProcess.ChildProcess.prototype as unknown as { spawn: () => void }).spawn,
          net.Socket.prototype.connect,
        ]) {
          expect(Symbol.for('@lambda-sentinel/runtime-guard.original') in fn, fn.name).toBe(true);
        }
        // Outside an invocation the last function guard constructed governs the process (this is
        // the last test: the event it records would otherwise be reported with the next invocation).
        expect(() => fs.readFileSync('/proc/self/environ')).toThrow(RuntimeGuardViolationError);
      });
    });
  });
}
