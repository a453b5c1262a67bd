package io.vibstream.model.backbone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a real TorchScript archive by hand, as {@code torch.jit.save} lays it out (zip of
 * {@code version}, {@code data.pkl}, {@code constants.pkl} and the TorchScript source
 * {@code code/__torch__.py}), for a parameter-free module whose forward returns the per-channel
 * mean and max over H and W: [N, 3, H, W] to [N, 6].
 */
final class TinyTorchScript {
  private TinyTorchScript() {}

  static final String SOURCE = """
      class Model(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        def forward(self: __torch__.Model,
          x: Tensor) -> Tensor:
          _0 = torch.mean(x, [2, 3])
          _1 = torch.amax(x, [2, 3])
          return torch.cat([_0, _1], 1)
      """;

  static void write(Path file) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
    data.writeBytes("c__torch__\nModel\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
    data.write(')'); // EMPTY_TUPLE
    data.write(0x81); // NEWOBJ
    data.write('}'); // EMPTY_DICT
    data.write('('); // MARK
    byte[] name = "training".getBytes(StandardCharsets.UTF_8);
    data.write('X'); // BINUNICODE
    data.write(new byte[] {(byte) name.length, 0, 0, 0});
    data.writeBytes(name);
    data.write(0x89); // NEWFALSE
    data.write('u'); // SETITEMS
    data.write('b'); // BUILD
    data.write('.'); // STOP
    byte[] constants = {(byte) 0x80, 2, ')', '.'}; // an empty tuple
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
      stored(zip, "tiny/data.pkl", data.toByteArray());
      stored(zip, "tiny/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
      stored(zip, "tiny/constants.pkl", constants);
      stored(zip, "tiny/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(content.length);
    entry.setCompressedSize(content.length);
    CRC32 crc = new CRC32();
    crc.update(content);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(content);
    zip.closeEntry();
  }
}
