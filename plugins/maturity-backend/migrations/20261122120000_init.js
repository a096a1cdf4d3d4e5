/*
 * Maturity scorecard: facts, latest results and scores, history snapshots,
 * waivers with their audit trail, and the group hierarchy used for roll-ups.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('maturity_facts', table => {
    table.comment('Latest facts per entity and collector (typed, versioned)');
    table.string('entity_ref', 255).notNullable().comment('Entity ref');
    table.string('collector', 64).notNullable().comment('Collector id');
    table.integer('version').notNullable().comment('Fact schema version');
    table
      .string('status', 16)
      .notNullable()
      .comment('ok, or unknown when the source could not be read');
    table.text('payload').notNullable().comment('The FactSet as JSON');
    table
      .timestamp('collected_at', { useTz: true })
      .notNullable()
      .comment('When the facts were collected');
    table.primary(['entity_ref', 'collector']);
  });

  await knex.schema.createTable('maturity_check_results', table => {
    table.comment('Latest result per entity and check, with evidence');
    table.string('entity_ref', 255).notNullable().comment('Entity ref');
    table.string('check_id', 128).notNullable().comment('Check id');
    table
      .string('status', 16)
      .notNullable()
      .comment('pass, fail, unknown, not-applicable or waived');
    table.text('reason').nullable().comment('Why unknown/not-applicable');
    table.text('evidence').notNullable().comment('Evidence list as JSON');
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('When it was evaluated');
    table.primary(['entity_ref', 'check_id']);
    table.index(['check_id', 'status'], 'maturity_results_check_status_idx');
  });

  await knex.schema.createTable('maturity_entity_scores', table => {
    table.comment('Latest score per entity, with catalog fields for roll-ups');
    table.string('entity_ref', 255).primary().comment('Entity ref');
    table.string('kind', 64).notNullable().comment('Entity kind, lower case');
    table.string('title', 255).nullable().comment('Display title');
    table.string('owner_ref', 255).nullable().comment('spec.owner as a ref');
    table.string('system_ref', 255).nullable().comment('spec.system as a ref');
    table.string('domain_ref', 255).nullable().comment("The system's domain");
    table.string('lifecycle', 64).nullable().comment('spec.lifecycle');
    table.string('type', 64).nullable().comment('spec.type');
    table.text('tags').notNullable().comment('metadata.tags as JSON');
    table.integer('level').notNullable().comment('Overall level 1-5');
    table.float('score').notNullable().comment('Weighted score 0-100');
    table
      .text('dimensions')
      .notNullable()
      .comment('DimensionScore list as JSON');
    table.string('model_version', 64).notNullable().comment('Model version');
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('When it was evaluated');
    table.index(['owner_ref'], 'maturity_scores_owner_idx');
    table.index(['system_ref'], 'maturity_scores_system_idx');
    table.index(['domain_ref'], 'maturity_scores_domain_idx');
  });

  await knex.schema.createTable('maturity_entity_dimensions', table => {
    table.comment('Latest level and score per entity and dimension');
    table.string('entity_ref', 255).notNullable().comment('Entity ref');
    table.string('dimension', 64).notNullable().comment('Dimension id');
    table.integer('level').notNullable().comment('Dimension level 1-5');
    table.float('score').notNullable().comment('Dimension score 0-100');
    table.primary(['entity_ref', 'dimension']);
    table.index(['dimension', 'level'], 'maturity_dimensions_level_idx');
  });

  await knex.schema.createTable('maturity_snapshots', table => {
    table.comment('Score history: one snapshot per entity per run');
    table.bigIncrements('id').comment('Snapshot id');
    table.string('entity_ref', 255).notNullable().comment('Entity ref');
    table.integer('level').notNullable().comment('Overall level');
    table.float('score').notNullable().comment('Weighted score');
    table.text('dimensions').notNullable().comment('Levels per dimension');
    table.string('model_version', 64).notNullable().comment('Model version');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('When the run happened');
    table.index(['entity_ref', 'created_at'], 'maturity_snapshots_entity_idx');
    table.index(['created_at'], 'maturity_snapshots_created_idx');
  });

  await knex.schema.createTable('maturity_waivers', table => {
    table.comment('Waivers: a check accepted as not applying, until expiry');
    table.uuid('id').primary().comment('Waiver id');
    table.string('entity_ref', 255).notNullable().comment('Entity ref');
    table.string('check_id', 128).notNullable().comment('Check id');
    table.text('reason').notNullable().comment('Why it is waived');
    table.string('created_by', 255).notNullable().comment('Who waived it');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('When');
    table
      .timestamp('expires_at', { useTz: true })
      .notNullable()
      .comment('When the waiver lapses');
    table
      .timestamp('revoked_at', { useTz: true })
      .nullable()
      .comment('When it was revoked, if it was');
    table.string('revoked_by', 255).nullable().comment('Who revoked it');
    table
      .string('active_key', 400)
      .nullable()
      .unique()
      .comment(
        'entity_ref|check_id while active, null once revoked: one active waiver per check',
      );
    table.index(['entity_ref'], 'maturity_waivers_entity_idx');
  });

  await knex.schema.createTable('maturity_waiver_audit', table => {
    table.comment('Audit trail of waiver changes');
    table.bigIncrements('id').comment('Audit row id');
    table.uuid('waiver_id').notNullable().comment('Waiver id');
    table.string('action', 16).notNullable().comment('created or revoked');
    table.string('actor', 255).notNullable().comment('Who did it');
    table.timestamp('at', { useTz: true }).notNullable().comment('When');
    table.text('details').notNullable().comment('The waiver as JSON');
    table.index(['waiver_id'], 'maturity_waiver_audit_waiver_idx');
  });

  await knex.schema.createTable('maturity_group_closure', table => {
    table.comment(
      'Group hierarchy closure from the catalog: ancestor sees descendant',
    );
    table.string('ancestor_ref', 255).notNullable().comment('Group ref');
    table
      .string('descendant_ref', 255)
      .notNullable()
      .comment('Group ref (includes the group itself)');
    table.integer('depth').notNullable().comment('0 for the group itself');
    table.primary(['ancestor_ref', 'descendant_ref']);
    table.index(['descendant_ref'], 'maturity_group_closure_desc_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('maturity_group_closure');
  await knex.schema.dropTable('maturity_waiver_audit');
  await knex.schema.dropTable('maturity_waivers');
  await knex.schema.dropTable('maturity_snapshots');
  await knex.schema.dropTable('maturity_entity_dimensions');
  await knex.schema.dropTable('maturity_entity_scores');
  await knex.schema.dropTable('maturity_check_results');
  await knex.schema.dropTable('maturity_facts');
};
