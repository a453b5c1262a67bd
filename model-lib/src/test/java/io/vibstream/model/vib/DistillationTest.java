package io.vibstream.model.vib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.eval.Evaluator;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class DistillationTest {
  @Test
  void aStudentTrainedOnlyOnTheTeachersOutputsLearnsWhatTheTeacherSays() {
    SequenceDataset train = ToyData.generate(600, 10, 12, 1);
    SequenceDataset test = ToyData.generate(300, 10, 12, 2);
    // A teacher that names every class one further: (label + 1) mod 3, confidently.
    float[][] teacher = new float[train.size()][3];
    for (int n = 0; n < train.size(); n++) {
      teacher[n][(train.label(n) + 1) % 3] = 8;
    }
    TrainingSchedule schedule = TrainingSchedule.of(6, 3).withBatchSize(32).withLearningRate(1e-2);
    try (NDManager manager = NDManager.newBaseManager()) {
      VibLstm student = VibLstm.plain(manager, 12, 16, 3, 5);
      VibTrainer.train(student, train, schedule, new Distillation(teacher, 1, 2), "student", TrainingListener.NONE);
      float[][] logits = VibTrainer.logits(student, test, 64);
      int agreesWithTeacher = 0;
      for (int n = 0; n < test.size(); n++) {
        agreesWithTeacher += Evaluator.argMax(logits[n]) == (test.label(n) + 1) % 3 ? 1 : 0;
      }
      assertThat(agreesWithTeacher / (double) test.size()).isGreaterThan(0.9);
    }
  }

  @Test
  void softTargetsAreTheTeachersSoftmaxAtTheTemperature() {
    Distillation d = new Distillation(new float[][] {{0, (float) Math.log(3) * 2}}, 0.5, 2);
    float[] p = new float[2];
    d.copyTargets(0, p, 0);
    assertThat(p[0]).isCloseTo(0.25f, Offset.offset(1e-6f));
    assertThat(p[1]).isCloseTo(0.75f, Offset.offset(1e-6f));
  }

  @Test
  void rejectsABadWeightOrATeacherOfOtherData() {
    assertThatThrownBy(() -> new Distillation(new float[][] {{1, 2}}, 0, 4)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new Distillation(new float[][] {{1, 2}}, 0.5, 0)).hasMessageContaining("temperature > 0");
    SequenceDataset train = ToyData.generate(30, 10, 12, 1);
    try (NDManager manager = NDManager.newBaseManager()) {
      VibLstm student = VibLstm.plain(manager, 12, 4, 3, 5);
      assertThatThrownBy(() -> VibTrainer.train(student, train, TrainingSchedule.of(1, 1),
          new Distillation(new float[5][3], 0.5, 4), "student", TrainingListener.NONE))
          .hasMessageContaining("the teacher scored 5 examples of 3 classes, the data has 30 of 3");
    }
  }
}
