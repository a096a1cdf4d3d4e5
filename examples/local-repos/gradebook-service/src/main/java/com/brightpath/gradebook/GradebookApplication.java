package com.brightpath.gradebook;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@SpringBootApplication
@RestController
public class GradebookApplication {

  record Grade(String item, BigDecimal score, BigDecimal weight) {}

  record FinalGrade(String course, String learner, BigDecimal grade, List<Grade> items) {}

  private final JdbcClient jdbc;

  GradebookApplication(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The weighted final grade of one learner in one course. */
  @GetMapping("/courses/{course}/learners/{learner}/grade")
  FinalGrade finalGrade(@PathVariable String course, @PathVariable String learner) {
    List<Grade> items =
        jdbc.sql("select item, score, weight from grades where course = ? and learner = ?")
            .params(course, learner)
            .query(Grade.class)
            .list();
    BigDecimal weights = items.stream().map(Grade::weight).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal total =
        items.stream()
            .map(g -> g.score().multiply(g.weight()))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal grade =
        weights.signum() == 0 ? BigDecimal.ZERO : total.divide(weights, 1, RoundingMode.HALF_UP);
    return new FinalGrade(course, learner, grade, items);
  }

  public static void main(String[] args) {
    SpringApplication.run(GradebookApplication.class, args);
  }
}
