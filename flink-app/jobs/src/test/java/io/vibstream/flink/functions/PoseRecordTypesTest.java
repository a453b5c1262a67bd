package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.flink.records.PersonDetections;
import io.vibstream.flink.records.TrackingCursor;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonPose;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class PoseRecordTypesTest {
  @Test
  void poseModeRecordsUseFlinkPojoSerializersNotKryo() {
    for (Class<?> type : new Class<?>[] {PersonDetections.class, TrackingCursor.class, PersonPose.class,
        PersonBox.class}) {
      assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
    }
    TypeInformation<?> persons = ((PojoTypeInfo<?>) TypeInformation.of(PersonDetections.class)).getTypeAt("persons");
    assertThat(persons).isInstanceOf(ObjectArrayTypeInfo.class);
    assertThat(((ObjectArrayTypeInfo<?, ?>) persons).getComponentInfo()).isInstanceOf(PojoTypeInfo.class);
    assertThat(((PojoTypeInfo<?>) TypeInformation.of(FeatureFrame.class)).getTypeAt("box"))
        .isInstanceOf(PojoTypeInfo.class);
  }
}
