package io.vibstream.model.training;

/**
 * What a running retraining started from (not in state: a restore starts it again).
 *
 * @param trigger what started it: clips, timer, restart or parent-changed
 * @param parentVersion the parent's version, or null without one
 * @param parentParams the parent's LSTM parameters, or null without a parent
 * @param data the window's clips as data sets
 * @param dataRange the lineage's description of the clips
 * @param backboneId backbone of the clips' features
 * @param clipLength frames per clip the candidate is trained on
 */
public record RetrainAttempt(String trigger, Long parentVersion, Long parentParams, CandidateTraining.Data data,
    String dataRange, String backboneId, int clipLength) {}
