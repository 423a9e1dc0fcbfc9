import dev.jgan.autodiff.*;
import dev.jgan.nn.*;
import dev.jgan.nn.layers.*;
import dev.jgan.nn.io.*;
import dev.jgan.nn.optim.*;
import java.nio.file.*;
import java.util.*;
public class Export {
  public static void main(String[] a) throws Exception {
    Rng rng = new Rng(42);
    int nz = 100, ngf = 16;
    Sequential g = new Sequential(
        new ConvTranspose2d(nz, ngf * 8, 4, 1, 0, 0, 1, false, rng), new BatchNorm2d(ngf * 8), new ReLU(),
        new ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, 0, 1, false, rng), new BatchNorm2d(ngf * 4), new ReLU(),
        new ConvTranspose2d(ngf * 4, 3, 4, 2, 1, 0, 1, false, rng), new Tanh());
    Init.dcgan(g, rng);
    Adam opt = new Adam(g.parameters(), 2e-4f, 0.5f, 0.999f);
    for (int i = 0; i < 3; i++) { // a few steps so running stats and weights are not at their initial values
      Tensor fake = g.forward(Tensor.randn(rng, 8, nz, 1, 1));
      opt.zeroGrad(); fake.square().mean().backward(); opt.step();
    }
    Checkpoint.save(g, Path.of("netG.safetensors"));
    Tensor z = Tensor.randn(rng, 4, nz, 1, 1);
    Tensor yTrain = g.forward(z);
    g.eval();
    Tensor yEval = g.forward(z);
    Map<String, Tensor> io = new LinkedHashMap<>(); io.put("z", z); io.put("y_train", yTrain.detach()); io.put("y_eval", yEval.detach());
    Map<String, DType> dt = new LinkedHashMap<>(); for (String k : io.keySet()) dt.put(k, DType.F32);
    SafeTensorsWriter.write(Path.of("io.safetensors"), io, dt, Map.of());
    // read back a file written by PyTorch, if present
    if (Files.exists(Path.of("torch_netG.safetensors"))) {
      Sequential g2 = new Sequential(
        new ConvTranspose2d(nz, ngf * 8, 4, 1, 0, 0, 1, false, rng), new BatchNorm2d(ngf * 8), new ReLU(),
        new ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, 0, 1, false, rng), new BatchNorm2d(ngf * 4), new ReLU(),
        new ConvTranspose2d(ngf * 4, 3, 4, 2, 1, 0, 1, false, rng), new Tanh());
      System.out.println("load torch file: " + Checkpoint.load(g2, Path.of("torch_netG.safetensors"), true));
      g2.eval();
      float[] y2 = g2.forward(z).toArray(), y1 = yEval.toArray(); double md = 0;
      for (int i = 0; i < y1.length; i++) md = Math.max(md, Math.abs(y1[i] - y2[i]));
      System.out.println("java: torch-written file reproduces eval output, max abs diff " + md);
    }
  }
}
