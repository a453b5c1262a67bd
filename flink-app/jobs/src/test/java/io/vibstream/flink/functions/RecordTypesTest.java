package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.flink.records.CameraCursor;
import io.vibstream.flink.records.DeadLetter;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.flink.records.FrameBatch;
import io.vibstream.flink.records.ServingModel;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.schemas.ModelRelease;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordTypesTest {
  @Test
  void recordsAndStateUseFlinkPojoSerializersNotKryo() {
    for (Class<?> type : new Class<?>[] {DecodedFrame.class, FrameBatch.class, FeatureFrame.class, DeadLetter.class,
        CameraCursor.class, ServingModel.class}) {
      assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
    }
    assertThat(((PojoTypeInfo<?>) TypeInformation.of(DeadLetter.class)).getTypeAt("frame"))
        .isInstanceOf(AvroTypeInfo.class);
  }

  @Test
  void releasesMayReferenceALocalFile(@TempDir Path dir) throws Exception {
    byte[] artifact = TestModels.artifact(2, MeanColorExtractor.ID, 4, 8, 1);
    Path file = Files.write(dir.resolve("m.vib"), artifact);
    ModelRelease release = TestModels.release(2, artifact);
    release.setArtifact(null);
    release.setReference(file.toUri().toString());
    var backbone = new io.vibstream.model.backbone.BackboneIdentity(MeanColorExtractor.ID, 4);
    assertThat(ModelReleases.validate(release, backbone, 0, null).bytes()).isEqualTo(artifact);
    release.setReference("/dev/zero");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelReleases.validate(release, backbone, 0, null))
        .hasMessage("model release v2: cannot read /dev/zero: not a regular file (a .vib model file must be one)");
    release.setReference("s3://bucket/m.vib");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelReleases.validate(release, backbone, 0, null))
        .hasMessageContaining("unsupported reference");
  }
}
