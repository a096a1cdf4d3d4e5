/*
 * Campaigns (named goals with a deadline); tracked numeric facts in the
 * history snapshots (posture score, toil percentage); and check results kept
 * as one row per entity, with failing and unknown check ids beside each
 * dimension, so a full evaluation writes about a tenth of the rows. Results
 * are recomputed every cycle, so the old per-check rows are not carried over.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('maturity_snapshots', table => {
    table
      .text('metrics')
      .nullable()
      .comment('Tracked numeric facts at the run, as JSON (name -> value)');
  });

  await knex.schema.alterTable('maturity_entity_scores', table => {
    table
      .integer('tier')
      .nullable()
      .comment('Annotation cloud-native-portal/tier (1 = critical)');
  });

  await knex.schema.dropTable('maturity_check_results');
  await knex.schema.createTable('maturity_entity_results', table => {
    table.comment('Latest check results per entity, with evidence');
    table.string('entity_ref', 255).primary().comment('Entity ref');
    table
      .text('results')
      .notNullable()
      .comment('CheckResult list as JSON (status, reason, evidence per check)');
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('When it was evaluated');
  });
  await knex.schema.alterTable('maturity_entity_dimensions', table => {
    table
      .text('failing')
      .nullable()
      .comment('Ids of the dimension checks that fail, as JSON');
    table
      .text('unknown')
      .nullable()
      .comment('Ids of the dimension checks that are unknown, as JSON');
  });

  await knex.schema.createTable('maturity_data_version', table => {
    table.comment(
      'A counter bumped by every write of scores or the hierarchy; read-side caches compare it',
    );
    table.integer('id').primary().comment('Always 1');
    table.bigInteger('version').notNullable().comment('The counter');
  });
  await knex('maturity_data_version').insert({ id: 1, version: 0 });

  await knex.schema.createTable('maturity_campaigns', table => {
    table.comment(
      'Campaigns: a dimension level that matching entities must reach by a deadline',
    );
    table.uuid('id').primary().comment('Campaign id');
    table.string('title', 255).notNullable().comment('Short name');
    table.text('description').nullable().comment('What and why');
    table.string('dimension', 64).notNullable().comment('Dimension id');
    table.integer('target_level').notNullable().comment('Level to reach');
    table
      .string('deadline', 10)
      .notNullable()
      .comment('Deadline as YYYY-MM-DD');
    table
      .text('filters')
      .notNullable()
      .comment('Which entities it covers, as JSON');
    table.string('created_by', 255).notNullable().comment('Who created it');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('When');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('maturity_campaigns');
  await knex.schema.dropTable('maturity_data_version');
  await knex.schema.alterTable('maturity_entity_dimensions', table => {
    table.dropColumn('failing');
    table.dropColumn('unknown');
  });
  await knex.schema.dropTable('maturity_entity_results');
  await knex.schema.createTable('maturity_check_results', table => {
    table.comment('Latest result per entity and check, with evidence');
    table.string('entity_ref', 255).notNullable().comment('Entity ref');
    table.string('check_id', 128).notNullable().comment('Check id');
    table.string('status', 16).notNullable().comment('Check status');
    table.text('reason').nullable().comment('Why unknown/not-applicable');
    table.text('evidence').notNullable().comment('Evidence list as JSON');
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('When it was evaluated');
    table.primary(['entity_ref', 'check_id']);
    table.index(['check_id', 'status'], 'maturity_results_check_status_idx');
  });
  await knex.schema.alterTable('maturity_entity_scores', table => {
    table.dropColumn('tier');
  });
  await knex.schema.alterTable('maturity_snapshots', table => {
    table.dropColumn('metrics');
  });
};
