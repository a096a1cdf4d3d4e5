import express from 'express';
import { renderCertificate } from './render';

const app = express();
app.use(express.json());
app.get('/healthz', (_req, res) => res.send('ok'));
app.post('/certificates', async (req, res) => {
  // Writes certificates/<learnerId>/<courseId>.pdf to the media bucket.
  const url = await renderCertificate(req.body.learnerId, req.body.courseId);
  res.status(201).json({ url });
});
app.listen(8080);
