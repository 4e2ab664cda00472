// Creates a fresh, empty PostgreSQL database for one CI run and prints its URL.
import pg from 'pg';

const admin = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `switchboard_ci_${Date.now()}_${process.pid}`;
const client = new pg.Client({ connectionString: admin });
await client.connect();
await client.query(`CREATE DATABASE ${name}`);
await client.end();
const url = new URL(admin);
url.pathname = `/${name}`;
console.log(url.toString());
