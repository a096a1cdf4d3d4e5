package com.brightpath.enrolment;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

// Enrolment endpoints live in EnrolmentController; this is only the entry point.
@SpringBootApplication
public class EnrolmentApplication {
  public static void main(String[] args) {
    SpringApplication.run(EnrolmentApplication.class, args);
  }
}
