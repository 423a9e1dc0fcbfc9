package dev.jgan.examples;

import dev.jgan.gan.data.Cifar10Reader;
import dev.jgan.gan.data.DatasetFormatException;
import dev.jgan.gan.data.IdxReader;
import dev.jgan.gan.data.ImageDataset;
import dev.jgan.gan.data.ImageFolder;
import dev.jgan.gan.nets.ImageShape;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The data options of the image commands ({@code --data}, {@code --data-dir}, {@code --image-size}) and the reading of
 * their training and test splits, with every problem (a missing directory or file, a malformed file, an unsupported
 * image shape) turned into a one-line {@link UsageError}. A picocli mixin: {@code @Mixin DataOptions data}.
 */
final class DataOptions {
    static final List<String> SETS = List.of("mnist", "fashion-mnist", "cifar10", "folder");
    /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
    static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** DCGAN's crops of LSUN and CelebA. */
    static final int DEFAULT_IMAGE_SIZE = 64;

    @Option(names = "--data", paramLabel = "SET", description = {
        "mnist, fashion-mnist, cifar10 or folder (default: ${DEFAULT-VALUE}). mnist and fashion-mnist read",
        "train-images-idx3-ubyte[.gz] (and train-labels-idx1-ubyte[.gz] if present), their test split t10k-images-idx3-ubyte[.gz]",
        "and t10k-labels-idx1-ubyte[.gz]; cifar10 reads data_batch_*.bin and test_batch.bin; folder reads every PNG/JPEG",
        "under --data-dir as 3-channel images, resized and center-cropped to --image-size (it has no test split)."})
    String name = "fashion-mnist";
    @Option(names = "--data-dir", paramLabel = "PATH", description = {
        "Directory of the data files (default: " + "/usr/share/datasets/fashion-mnist" + " for fashion-mnist, where Debian's",
        "dataset-fashion-mnist package installs it; required for the others)."})
    Path dir;
    @Option(names = "--image-size", paramLabel = "N", description = {
        "--data folder only: the side of the square images, 32 or 64 (default: " + DEFAULT_IMAGE_SIZE + ", DCGAN's crops of",
        "LSUN and CelebA): the shorter side resized to it (area averaging), then the center crop, as torchvision."})
    Integer imageSize;

    /** Checks the options and fills in the default directory; call before any reading. */
    void validate() throws UsageError {
        if (!SETS.contains(name)) throw new UsageError("--data must be one of " + String.join(", ", SETS) + ", got '" + name + "'");
        if (imageSize != null) {
            if (!isFolder()) throw new UsageError("--image-size applies to --data folder only (" + name + " has a fixed size)");
            if (imageSize != 32 && imageSize != 64) throw new UsageError("--image-size must be 32 or 64, got " + imageSize);
        }
        if (dir == null) {
            if (!name.equals("fashion-mnist")) throw new UsageError("--data-dir is required for --data " + name);
            dir = DEBIAN_FASHION_MNIST;
        }
    }

    boolean isFolder() {
        return name.equals("folder");
    }

    /** The folder's image side ({@code --image-size} or its default); only for {@code --data folder}. */
    int folderImageSize() {
        return imageSize != null ? imageSize : DEFAULT_IMAGE_SIZE;
    }

    /** Refuses {@code --data folder} for a command that needs labels and a test split. */
    void requireTestSplit(String why) throws UsageError {
        if (isFolder()) throw new UsageError("--data folder has no test split with labels; " + why + " needs mnist, fashion-mnist or cifar10");
    }

    /** The training split; labelled if {@code labels} (the IDX label file then required), else as the files come. */
    ImageDataset train(boolean labels) throws UsageError {
        checkDirectory();
        return read(() -> switch (name) {
            case "cifar10" -> Cifar10Reader.train(dir);
            case "folder" -> ImageFolder.unlabelled(dir, folderImageSize(), 3);
            default -> idx("train", labels);
        });
    }

    /** The test split (t10k-* or test_batch.bin); labelled if {@code labels}. Not for {@code --data folder}. */
    ImageDataset test(boolean labels) throws UsageError {
        requireTestSplit("the test split");
        checkDirectory();
        return read(() -> name.equals("cifar10") ? Cifar10Reader.test(dir) : idx("t10k", labels));
    }

    /** The networks' {@link ImageShape} of a dataset's images. */
    ImageShape shapeOf(ImageDataset d) throws UsageError {
        for (ImageShape s : ImageShape.values())
            if (d.channels() == s.channels() && d.height() == s.size() && d.width() == s.size()) return s;
        throw new UsageError("the images in " + dir + " are " + d.channels() + "x" + d.height() + "x" + d.width()
                + "; the networks take 1x28x28, 3x32x32 or 3x64x64");
    }

    /** What the run reads, for its first line: {@code "mnist"} or {@code "folder of 64x64"}. */
    String describe() {
        return isFolder() ? "folder of " + folderImageSize() + "x" + folderImageSize() : name;
    }

    private void checkDirectory() throws UsageError {
        if (!Files.isDirectory(dir))
            throw new UsageError("--data-dir " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + (name.equals("fashion-mnist") && dir.equals(DEBIAN_FASHION_MNIST) ? " (apt-get install dataset-fashion-mnist)" : ""));
    }

    private interface Reader {
        ImageDataset read() throws IOException, UsageError;
    }

    private ImageDataset read(Reader reader) throws UsageError {
        try {
            return reader.read();
        } catch (DatasetFormatException e) {
            throw new UsageError(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new UsageError("no such file: " + e.getFile() + (e.getReason() == null ? "" : " (" + e.getReason() + ")"), e);
        } catch (AccessDeniedException e) {
            throw new UsageError("cannot read " + e.getFile() + ": permission denied", e);
        } catch (IOException e) {
            throw new UsageError("cannot read the " + name + " files in " + dir + ": " + e, e);
        }
    }

    /** The IDX pair {@code <split>-images-idx3-ubyte[.gz]}, {@code <split>-labels-idx1-ubyte[.gz]}. */
    private ImageDataset idx(String split, boolean labelsRequired) throws IOException, UsageError {
        Path images = idxFile(split + "-images-idx3-ubyte", true), labels = idxFile(split + "-labels-idx1-ubyte", labelsRequired);
        return labels == null ? IdxReader.images(images) : IdxReader.read(images, labels);
    }

    /** {@code dir/name} or {@code dir/name.gz}; null when neither exists and the file is optional. */
    private Path idxFile(String file, boolean required) throws UsageError {
        for (String n : new String[] {file, file + ".gz"}) {
            Path p = dir.resolve(n);
            if (Files.exists(p)) {
                if (!Files.isReadable(p) || Files.isDirectory(p)) throw new UsageError("cannot read " + p);
                return p;
            }
        }
        if (required) throw new UsageError("no " + file + " or " + file + ".gz in --data-dir " + dir);
        return null;
    }
}
