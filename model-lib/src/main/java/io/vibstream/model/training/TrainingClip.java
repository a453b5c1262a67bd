package io.vibstream.model.training;

/**
 * A labeled clip in a retrain window (keyed state of the retrain job, under its arrival number).
 *
 * @param startTimestamp capture time of its first frame, epoch milliseconds
 * @param endTimestamp capture time of its last frame, epoch milliseconds
 * @param label the action
 * @param frames number of frames
 * @param features frames x the window's feature dimension, row-major
 * @param validation whether it is held out for evaluation
 *     ({@link ValidationSplit})
 */
public record TrainingClip(long startTimestamp, long endTimestamp, String label, int frames, float[] features,
    boolean validation) {}
