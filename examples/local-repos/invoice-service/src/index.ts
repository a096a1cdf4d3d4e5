import express from 'express';
import pg from 'pg';
import { collectDefaultMetrics, Counter, register } from 'prom-client';
import { totals } from './vat.js';

collectDefaultMetrics();
const issued = new Counter({
  name: 'invoices_issued_total',
  help: 'Invoices issued',
});

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const app = express();
app.use(express.json());

app.get('/healthz', (_req, res) => {
  res.sendStatus(204);
});

app.get('/metrics', async (_req, res) => {
  res.type(register.contentType).send(await register.metrics());
});

app.post('/orders/:orderId/invoice', async (req, res) => {
  const { rows } = await pool.query(
    'select net_cents, buyer_country from orders where id = $1 and status = $2',
    [req.params.orderId, 'paid'],
  );
  if (rows.length === 0) {
    res.status(404).json({ error: `no paid order ${req.params.orderId}` });
    return;
  }
  const invoice = totals(rows[0].net_cents, rows[0].buyer_country);
  await pool.query(
    'insert into invoices (order_id, net_cents, vat_cents, gross_cents) values ($1, $2, $3, $4) on conflict (order_id) do nothing',
    [
      req.params.orderId,
      invoice.netCents,
      invoice.vatCents,
      invoice.grossCents,
    ],
  );
  issued.inc();
  res.status(201).json({ orderId: req.params.orderId, ...invoice });
});

app.listen(3000, () => console.log('invoice-service listening on :3000'));
