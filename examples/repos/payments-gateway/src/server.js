const express = require('express');
const axios = require('axios');
const client = require('prom-client');

client.collectDefaultMetrics();
const app = express();
app.use(express.json());

app.get('/health', (_req, res) => res.send('ok'));
app.get('/metrics', async (_req, res) => res.type(client.register.contentType).send(await client.register.metrics()));

app.post('/payments/v3/checkout-sessions', async (req, res) => {
  const psp = await axios.post(`${process.env.PSP_BASE_URL}/v1/checkout`, req.body, {
    headers: { Authorization: `Bearer ${process.env.PSP_API_KEY}` },
  });
  res.status(201).json({ id: psp.data.id, redirectUrl: psp.data.url });
});

app.listen(3000, () => console.log('payments-gateway on 3000'));
