import express from 'express';
import pino from 'pino';
import { collectDefaultMetrics, register } from 'prom-client';
import { listCourses, getCourse } from './courses';

// Structured JSON logs to stdout; trace ids are injected by the OpenTelemetry
// pino instrumentation so logs, metrics and traces correlate.
const log = pino();
collectDefaultMetrics();

const app = express();
app.get('/healthz/live', (_req, res) => res.send('ok'));
app.get('/healthz/ready', (_req, res) => res.send('ok'));
app.get('/metrics', async (_req, res) => res.type(register.contentType).send(await register.metrics()));
app.get('/catalog/v2/courses', async (req, res) => res.json(await listCourses(req.query)));
app.get('/catalog/v2/courses/:id', async (req, res) => {
  const course = await getCourse(req.params.id);
  return course ? res.json(course) : res.sendStatus(404);
});
app.listen(8080, () => log.info('course-catalog-service listening on 8080'));
